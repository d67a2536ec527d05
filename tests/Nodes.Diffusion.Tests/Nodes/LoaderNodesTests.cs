using Microsoft.Extensions.Logging.Abstractions;
using Workflow.Host.Registry;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Tests.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.NodeSdk;
using Workflow.Testing;
using Workflow.Testing.Hostile;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>
/// ComfyUI's loaders — CLIPLoader, UNETLoader, CheckpointLoader (with a config) and VAELoader — on the parts of the
/// sd15-tiny fixture saved as a user has them: safetensors, PyTorch pickles (Data/save_as_bin.py), the legacy folders.
/// Each gives the weights the whole checkpoint gives; a pickle that calls os.system, a missing file and an option this
/// host refuses fail naming the input and the value.
/// </summary>
public sealed class LoaderNodesTests : IDisposable
{
    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);

    public void Dispose() => _test.Dispose();

    private TestNodeContext Context => new(_test.Engine.Paths);

    private string Folder(string kind) => Directory.CreateDirectory(_test.Engine.Paths.ModelFolder(kind)).FullName;

    private static string Fixture(string file) => Golden.File(Sd15Fixture.Name, file);

    [GoldenPyTorchTheory(Sd15Fixture.Name)]
    [InlineData("text_encoders", "clip_l.safetensors")]
    [InlineData("clip", "clip_l.bin")]
    public void CLIPLoader_encodes_as_the_checkpoints_CLIP(string folder, string name)
    {
        var path = Path.Combine(Folder(folder), name);
        WriteAs(Fixture("model/text_encoder/model.safetensors"), path);
        File.Copy(Fixture("model/text_encoder/config.json"), Path.ChangeExtension(path, ".json"));

        using var clip = new ClipLoader().Execute(Context, name);
        var checkpoint = CheckpointLoader.Load(Fixture("sd15-tiny.safetensors"), []);
        try
        {
            using var expected = checkpoint.Clip.Encode("a photograph of an astronaut riding a horse", 77, NullLogger.Instance);
            using var actual = clip.Encode("a photograph of an astronaut riding a horse", 77, NullLogger.Instance);
            Assert.True(expected.Entries[0].Embeddings.equal(actual.Entries[0].Embeddings), "CLIPLoader's CLIP encodes differently from the checkpoint's");
        }
        finally
        {
            SameWeights.Dispose(checkpoint);
        }
    }

    [Fact]
    public void CLIPLoader_refuses_sd3_alone_naming_the_type()
    {
        var error = Assert.Throws<InputException>(() => new ClipLoader().Execute(Context, "clip_g.safetensors", ClipLoaderType.Sd3));
        Assert.Equal(("type", (object?)"sd3"), (error.InputName, error.Value));
        Assert.Contains("TripleCLIPLoader", error.Message);
    }

    [GoldenPyTorchTheory(Sd15Fixture.Name)]
    [InlineData("diffusion_models", "unet.safetensors", "model.diffusion_model.", "")]
    [InlineData("unet", "unet-prefixed.safetensors", "model.diffusion_model.", "model.diffusion_model.")]
    [InlineData("diffusion_models", "unet.pt", "model.diffusion_model.", "")]
    public void UNETLoader_gives_the_checkpoints_UNet(string folder, string name, string prefix, string keptPrefix)
    {
        var path = Path.Combine(Folder(folder), name);
        WriteAs(Part(prefix, keptPrefix), path);
        File.Copy(Fixture("sd15-tiny.yaml"), Path.ChangeExtension(path, ".yaml"));

        using var model = new UnetLoader().Execute(Context, name);
        var checkpoint = CheckpointLoader.Load(Fixture("sd15-tiny.safetensors"), []);
        try
        {
            SameWeights.Component("unet", checkpoint.Model.Network.Module, model.Network.Module);
            Assert.Equal(checkpoint.Model.Sampling.Sigmas, model.Sampling.Sigmas);
            Assert.Equal(LatentFormat.StableDiffusion1, model.LatentFormat);
        }
        finally
        {
            SameWeights.Dispose(checkpoint);
        }
    }

    [Theory]
    [InlineData(UnetWeightDtype.Fp8E4m3fn, "fp8_e4m3fn")]
    [InlineData(UnetWeightDtype.Fp8E4m3fnFast, "fp8_e4m3fn_fast")]
    [InlineData(UnetWeightDtype.Fp8E5m2, "fp8_e5m2")]
    public void UNETLoader_refuses_fp8_storage_naming_the_option(UnetWeightDtype dtype, string wireName)
    {
        var error = Assert.Throws<InputException>(() => new UnetLoader().Execute(Context, "unet.safetensors", dtype));
        Assert.Equal(("weight_dtype", (object?)wireName), (error.InputName, error.Value));
        Assert.Contains("choose default", error.Message);
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void UNETLoader_refuses_a_UNet_in_diffusers_names_saying_why()
    {
        File.CreateSymbolicLink(Path.Combine(Folder("diffusion_models"), "diffusers-unet.safetensors"), Fixture("model/unet/diffusion_pytorch_model.safetensors"));
        var error = Assert.Throws<InputException>(() => new UnetLoader().Execute(Context, "diffusers-unet.safetensors"));
        Assert.Equal("unet_name", error.InputName);
        Assert.Contains("diffusers' names", error.Message);
    }

    /// <summary>No same-stem .yaml: the config_name file alone describes the tiny model (its heads, its parameterization).</summary>
    [GoldenPyTorchTheory(Sd15Fixture.Name)]
    [InlineData("sd15-tiny.safetensors")]
    [InlineData("sd15-tiny.ckpt")]
    public void CheckpointLoader_reads_the_checkpoint_with_the_config_it_is_given(string name)
    {
        WriteAs(Fixture("sd15-tiny.safetensors"), Path.Combine(Folder("checkpoints"), name));
        File.Copy(Fixture("sd15-tiny.yaml"), Path.Combine(Folder("configs"), "tiny.yaml"));
        File.WriteAllText(Path.Combine(Folder("configs"), "tiny-v.yaml"), Sd15Fixture.YamlWithVParameterization());

        var outputs = new CheckpointLoaderWithConfig().Execute(Context, "tiny.yaml", name);
        var v = new CheckpointLoaderWithConfig().Execute(Context, "tiny-v.yaml", name);
        var expected = CheckpointLoader.Load(Fixture("sd15-tiny.safetensors"), []);
        var actual = new LoadedCheckpoint(outputs.Model, outputs.Clip, (ImageVae)outputs.Vae);
        try
        {
            SameWeights.Assert(expected, actual);
            Assert.Equal(PredictionType.Epsilon, ((ModelSamplingDiscrete)outputs.Model.Sampling).Prediction);
            Assert.Equal(PredictionType.VPrediction, ((ModelSamplingDiscrete)v.Model.Sampling).Prediction);
        }
        finally
        {
            SameWeights.Dispose(expected, actual, new LoadedCheckpoint(v.Model, v.Clip, (ImageVae)v.Vae));
        }
    }

    [GoldenFact(Sd15Fixture.Name)]
    public void CheckpointLoader_refuses_a_config_for_a_diffusers_folder()
    {
        Directory.CreateSymbolicLink(Path.Combine(Folder("checkpoints"), "pipeline"), Fixture("model"));
        File.Copy(Fixture("sd15-tiny.yaml"), Path.Combine(Folder("configs"), "tiny.yaml"));
        var error = Assert.Throws<InputException>(() => new CheckpointLoaderWithConfig().Execute(Context, "tiny.yaml", "pipeline"));
        Assert.Equal(("ckpt_name", (object?)"pipeline"), (error.InputName, error.Value));
        Assert.Contains("CheckpointLoaderSimple", error.Message);
    }

    [GoldenPyTorchTheory(Sd15Fixture.Name)]
    [InlineData("vae.safetensors")]
    [InlineData("vae.pt")]
    public void VAELoader_gives_the_checkpoints_VAE(string name)
    {
        WriteAs(Part("first_stage_model.", ""), Path.Combine(Folder("vae"), name));
        using var vae = new VaeLoader().Execute(Context, name);
        var checkpoint = CheckpointLoader.Load(Fixture("sd15-tiny.safetensors"), []);
        try
        {
            SameWeights.Component("vae", checkpoint.Vae.Autoencoder, Assert.IsType<ImageVae>(vae).Autoencoder);
        }
        finally
        {
            SameWeights.Dispose(checkpoint);
        }
    }

    public static TheoryData<string, string, string> Loaders => new()
    {
        { "CLIPLoader", "text_encoders", "clip_name" },
        { "UNETLoader", "diffusion_models", "unet_name" },
        { "CheckpointLoader", "checkpoints", "ckpt_name" },
        { "VAELoader", "vae", "vae_name" },
    };

    /// <summary>What a malicious .ckpt/.pt/.bin does: its pickle calls os.system; refused by name, before anything runs.</summary>
    [Theory, MemberData(nameof(Loaders))]
    public void A_pickle_calling_os_system_is_refused_naming_the_input(string node, string folder, string input)
    {
        var marker = Path.Combine(_test.BaseDirectory, "marker");
        File.WriteAllBytes(Path.Combine(Folder(folder), "evil.pt"), HostileCheckpoints.TorchZipCallingSystem($"touch {marker}"));
        File.WriteAllText(Path.Combine(Folder("configs"), "any.yaml"), "model:\n  params:\n    timesteps: 1000\n");

        var error = Assert.Throws<InputException>(() => Load(node, "evil.pt"));

        Assert.Equal((input, (object?)"evil.pt"), (error.InputName, error.Value));
        Assert.Contains("refused global 'posix.system'", error.Message);
        Assert.False(File.Exists(marker));
    }

    [Theory, MemberData(nameof(Loaders))]
    public void A_missing_file_fails_naming_the_input_and_the_value(string node, string folder, string input)
    {
        File.WriteAllText(Path.Combine(Folder("configs"), "any.yaml"), "model:\n  params:\n    timesteps: 1000\n");
        var error = Assert.Throws<InputException>(() => Load(node, "absent.safetensors"));
        Assert.Equal((input, (object?)"absent.safetensors"), (error.InputName, error.Value));
        Assert.Contains(Path.Combine(_test.Engine.Paths.ModelFolder(folder), "absent.safetensors"), error.Message);
    }

    [Fact]
    public void CheckpointLoader_with_a_missing_config_fails_naming_config_name()
    {
        var error = Assert.Throws<InputException>(() => new CheckpointLoaderWithConfig().Execute(Context, "absent.yaml", "sd15-tiny.safetensors"));
        Assert.Equal(("config_name", (object?)"absent.yaml"), (error.InputName, error.Value));
    }

    /// <summary>A workflow naming files that are not there is invalid before anything runs, naming node, input and value.</summary>
    [Fact]
    public void A_workflow_naming_absent_files_fails_validation_per_input()
    {
        var workflow = File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", "sd15_txt2img.json"))
            .Replace("\"CheckpointLoaderSimple\"", "\"CheckpointLoader\"", StringComparison.Ordinal)
            .Replace("\"LoadCheckpoint\"", "\"CheckpointLoader\"", StringComparison.Ordinal)
            .Replace("\"ckpt_name\": \"sd15-tiny\"", "\"config_name\": \"v1-inference.yaml\", \"ckpt_name\": \"sd15-tiny\"", StringComparison.Ordinal);
        var errors = _test.Validate(workflow).NodeErrors[new("4")];
        Assert.Equal("CheckpointLoader", errors.ClassType);
        Assert.Equal(["config_name: 'v1-inference.yaml' not in []", "ckpt_name: 'sd15-tiny' not in []"],
            errors.Errors.Where(e => e.Type == "value_not_in_list").Select(e => e.Details));
    }

    /// <summary>ComfyUI's input names, types, options and defaults; the model combos list both folders of a kind, configs .yaml files.</summary>
    [Fact]
    public void Object_info_gives_ComfyUIs_inputs()
    {
        File.WriteAllText(Path.Combine(Folder("text_encoders"), "clip_l.safetensors"), "");
        File.WriteAllText(Path.Combine(Folder("clip"), "t5xxl.safetensors"), "");
        File.WriteAllText(Path.Combine(Folder("unet"), "old.safetensors"), "");
        File.WriteAllText(Path.Combine(Folder("diffusion_models"), "new.safetensors"), "");
        File.WriteAllText(Path.Combine(Folder("configs"), "v1-inference.yaml"), "");
        File.WriteAllText(Path.Combine(Folder("configs"), "notes.txt"), "");

        TestEngine.AssertJsonEqual("""
            {"required": {"clip_name": [["clip_l.safetensors", "t5xxl.safetensors"], {"tooltip": "The text encoder file to load."}],
                          "type": [["stable_diffusion", "sd3"], {"default": "stable_diffusion", "tooltip": "The model the text encoder is for."}]},
             "optional": {"device": [["default", "cpu"], {"tooltip": "cpu keeps the text encoder on the CPU."}],
                          "weight_dtype": [["default", "fp32", "fp16", "bf16"], {"default": "default", "tooltip": "The dtype to compute in: default follows the host's --precision (fp16 on CUDA, fp32 on the CPU)."}]}, "hidden": {}}
            """, Info("CLIPLoader")["input"]);
        TestEngine.AssertJsonEqual("""
            {"required": {"unet_name": [["new.safetensors", "old.safetensors"], {"tooltip": "The diffusion model file to load."}],
                          "weight_dtype": [["default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2", "fp32", "fp16", "bf16"],
                                           {"default": "default", "tooltip": "The dtype to store the weights in and compute in; default follows the host's --precision (fp16 on CUDA, fp32 on the CPU)."}]}, "optional": {}, "hidden": {}}
            """, Info("UNETLoader")["input"]);
        var checkpointLoader = Info("CheckpointLoader");
        TestEngine.AssertJsonEqual("""[["v1-inference.yaml"], {"tooltip": "The original config (.yaml) describing the checkpoint."}]""",
            checkpointLoader["input"]!["required"]!["config_name"]);
        TestEngine.AssertJsonEqual("""["config_name", "ckpt_name"]""", checkpointLoader["input_order"]!["required"]);
        Assert.True((bool)checkpointLoader["deprecated"]!);
        TestEngine.AssertJsonEqual("""["MODEL", "CLIP", "VAE"]""", checkpointLoader["output"]);
        TestEngine.AssertJsonEqual("""["vae_name"]""", Info("VAELoader")["input_order"]!["required"]);
        TestEngine.AssertJsonEqual("""["weight_dtype"]""", Info("VAELoader")["input_order"]!["optional"]);
        TestEngine.AssertJsonEqual("""[["eps", "v_prediction", "lcm", "x0"], {"tooltip": "eps: the network predicts the noise; v_prediction: the velocity (SD2.x 768-v and other v models)."}]""",
            Info("ModelSamplingDiscrete")["input"]!["required"]!["sampling"]);
        TestEngine.AssertJsonEqual("""["BOOLEAN", {"default": false, "tooltip": "Rescale the schedule to zero terminal SNR, for models trained that way."}]""",
            Info("ModelSamplingDiscrete")["input"]!["required"]!["zsnr"]);
    }

    private System.Text.Json.Nodes.JsonNode Info(string node)
    {
        Assert.True(_test.Engine.Registry.TryGet(node, out var definition), node);
        return ObjectInfo.ForNode(definition, node, _test.Engine.Paths);
    }

    private IDisposable Load(string node, string name) => node switch
    {
        "CLIPLoader" => new ClipLoader().Execute(Context, name),
        "UNETLoader" => new UnetLoader().Execute(Context, name),
        "CheckpointLoader" => new CheckpointLoaderWithConfig().Execute(Context, "any.yaml", name).Model,
        _ => new VaeLoader().Execute(Context, name),
    };

    /// <summary>The fixture's tensors under <paramref name="prefix"/>, that prefix replaced by <paramref name="keptPrefix"/>, in a temporary safetensors file.</summary>
    private string Part(string prefix, string keptPrefix)
    {
        var path = Path.Combine(_test.BaseDirectory, $"part-{Guid.NewGuid():N}.safetensors");
        var all = SafeTensors.LoadAll(Fixture("sd15-tiny.safetensors"));
        try
        {
            SafeTensors.Save(path, all.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => keptPrefix + kv.Key[prefix.Length..], kv => kv.Value));
        }
        finally
        {
            foreach (var tensor in all.Values)
                tensor.Dispose();
        }
        return path;
    }

    /// <summary>A safetensors source at <paramref name="target"/>: linked as is, or saved by torch.save for a pickle's extension.</summary>
    private static void WriteAs(string source, string target)
    {
        if (Path.GetExtension(target) == ".safetensors")
            File.CreateSymbolicLink(target, source);
        else
            ReferencePython.Run(Path.Combine(AppContext.BaseDirectory, "Data", "save_as_bin.py"), source, target, "flat");
    }
}
