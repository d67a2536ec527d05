using Workflow.Host.Execution;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Text;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>Bad input to the SD3 nodes gets a clear validation or execution error naming the node, the input and the value.</summary>
public sealed class Sd3BadInputTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);
    private static readonly string Workflow = File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", "sd3_txt2img.json"));
    private static readonly string ComfyWorkflow = File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", "comfyui_sd3_txt2img.json"));

    public void Dispose() => _test.Dispose();

    [Fact]
    public void Width_not_a_multiple_of_16_is_a_validation_error()
    {
        var result = _test.Validate(Workflow.Replace("\"width\": 96", "\"width\": 88"));
        var error = result.NodeErrors[new("5")].Errors.Single();
        Assert.Equal(("custom_validation_failed", "width - 88 is not a multiple of 16 (SD3 latents are 1/8 of the image, in 2×2 patches)"), (error.Type, error.Details));
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void A_zero_shift_fails_naming_the_input()
    {
        Sd3Models.Install(_test.Engine.Paths.Models, Sd3Models.SingleFile);
        Sd3Models.InstallTextEncoders(_test.Engine.Paths.Models);

        var result = _test.Run(ComfyWorkflow.Replace("\"shift\": 3.0", "\"shift\": 0"));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(("13", "ModelSamplingSD3"), (result.Failure!.NodeId, result.Failure.ClassType));
        Assert.StartsWith("shift = 0: must be above 0", result.Failure.ExceptionMessage);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Triple_clip_loader_without_a_t5_names_the_input()
    {
        Sd3Models.Install(_test.Engine.Paths.Models, Sd3Models.SingleFile);
        var names = Sd3Models.InstallTextEncoders(_test.Engine.Paths.Models);

        var result = _test.Run(ComfyWorkflow.Replace(names[2], names[0]));

        Assert.Equal(("11", "TripleCLIPLoader"), (result.Failure!.NodeId, result.Failure.ClassType));
        Assert.Equal($"clip_name3 = '{names[0]}': SD3 takes CLIP-L, CLIP-G and T5: no file is a T5 encoder", result.Failure.ExceptionMessage);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void A_file_that_is_no_text_encoder_names_the_input()
    {
        Sd3Models.Install(_test.Engine.Paths.Models, Sd3Models.SingleFile);
        var names = Sd3Models.InstallTextEncoders(_test.Engine.Paths.Models);
        using (var tensor = torch.zeros([2]))
            SafeTensors.Save(Path.Combine(_test.Engine.Paths.Models, "clip", "other.safetensors"), new Dictionary<string, Tensor> { ["encoder.weight"] = tensor });

        var result = _test.Run(ComfyWorkflow.Replace(names[1], "other.safetensors"));

        Assert.StartsWith("clip_name2 = 'other.safetensors': ", result.Failure!.ExceptionMessage);
        Assert.Contains("is neither a CLIP text encoder", result.Failure.ExceptionMessage);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void Flow_euler_sample_on_an_sd15_model_names_the_model_input()
    {
        Pipelines.Sd15Models.Install(_test.Engine.Paths.Models, Pipelines.Sd15Models.Folder);
        var workflow = Workflow.Replace("\"sd3-tiny\"", "\"sd15-tiny\"").Replace("\"class_type\": \"EmptySD3LatentImage\"", "\"class_type\": \"EmptyLatentImage\"");

        var result = _test.Run(workflow);

        Assert.Equal(("3", "FlowEulerSample"), (result.Failure!.NodeId, result.Failure.ClassType));
        Assert.StartsWith("model = 'UNet2DConditionModel': FlowEulerSample samples flow-matching transformers (SD3)", result.Failure.ExceptionMessage);
    }

    [GoldenFact(Sd3Fixture.Name)]
    public void A_truncated_sentencepiece_model_fails_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("t5-tokenizer-").FullName;
        try
        {
            var bytes = File.ReadAllBytes(Path.Combine(Sd3Fixture.DiffusersPath, "tokenizer_3", "spiece.model"));
            File.WriteAllBytes(Path.Combine(folder, "spiece.model"), bytes[..(bytes.Length / 3)]);

            var error = Assert.Throws<InvalidDataException>(() => T5Tokenizer.Load(folder));

            Assert.StartsWith($"{Path.Combine(folder, "spiece.model")} is not a sentencepiece model: ", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
