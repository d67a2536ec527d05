using Workflow.Host.Execution;
using Workflow.Imaging;
using Workflow.Nodes.Core.Images;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Nodes;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// The sd15-tiny single file saved by torch.save as the .ckpt files people have (Data/make_ckpt.py: a Lightning
/// checkpoint with the weights under "state_dict" and old callbacks, in both formats) loads through LoadCheckpoint
/// into exactly the weights of the safetensors file; one whose pickle calls os.system fails the node, running nothing.
/// </summary>
public sealed class PickleCheckpointTests(PickleCheckpointTests.Made made) : IClassFixture<PickleCheckpointTests.Made>, IDisposable
{
    private static readonly string Workflow = File.ReadAllText(Path.Combine(Golden.RepoRoot, "workflows", "sd15_txt2img.json"));

    private readonly TestEngine _test = new([typeof(LoadCheckpoint).Assembly, typeof(SaveImage).Assembly]);

    public void Dispose() => _test.Dispose();

    private string Checkpoints => Directory.CreateDirectory(Path.Combine(_test.Engine.Paths.Models, "checkpoints")).FullName;

    private static string[] Tokenizers => [Golden.File(Sd15Fixture.Name, "model/tokenizer")];

    [GoldenPyTorchTheory(Sd15Fixture.Name)]
    [InlineData("sd15-tiny.ckpt")]
    [InlineData("sd15-tiny-legacy.ckpt")]
    public void A_ckpt_gives_the_weights_of_the_safetensors_file(string name)
    {
        var ckpt = MakeCheckpoints(name);
        var pickled = CheckpointLoader.Load(ckpt, Tokenizers);
        var safetensors = CheckpointLoader.Load(Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"), Tokenizers);
        try
        {
            SameWeights.Assert(safetensors, pickled);
        }
        finally
        {
            SameWeights.Dispose(pickled, safetensors);
        }
    }

    [GoldenPyTorchFact(Sd15Fixture.Name)]
    public void Text_to_image_from_a_ckpt_draws_the_safetensors_picture()
    {
        MakeCheckpoints("sd15-tiny.ckpt");
        File.CreateSymbolicLink(Path.Combine(Checkpoints, "sd15-tiny.safetensors"), Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        Directory.CreateDirectory(Path.Combine(_test.Engine.Paths.Models, "tokenizers"));
        Directory.CreateSymbolicLink(Path.Combine(_test.Engine.Paths.Models, "tokenizers", "clip_l"), Tokenizers[0]);

        var fromCkpt = Pixels(Run("sd15-tiny.ckpt"));
        var fromSafetensors = Pixels(Run("sd15-tiny.safetensors"));
        Assert.Equal(fromSafetensors, fromCkpt);
    }

    [GoldenPyTorchFact(Sd15Fixture.Name)]
    public void A_ckpt_whose_pickle_calls_os_system_fails_the_node_and_nothing_runs()
    {
        MakeCheckpoints("evil.ckpt");
        var result = _test.Run(Workflow.Replace("\"sd15-tiny\"", "\"evil.ckpt\""));
        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("4", result.Failure!.NodeId);
        Assert.StartsWith("ckpt_name = 'evil.ckpt': ", result.Failure.ExceptionMessage);
        Assert.Contains("refused global 'posix.system'", result.Failure.ExceptionMessage);
        Assert.False(File.Exists(made.Marker));
    }

    /// <summary>Links the made checkpoint <paramref name="name"/> into models/checkpoints, with the fixture's .yaml beside it; returns its path.</summary>
    private string MakeCheckpoints(string name)
    {
        var path = Path.Combine(Checkpoints, name);
        File.CreateSymbolicLink(path, made.File(name));
        File.CreateSymbolicLink(Path.ChangeExtension(path, ".yaml"), Golden.File(Sd15Fixture.Name, "sd15-tiny.yaml"));
        return path;
    }

    private ExecutionResult Run(string ckptName)
    {
        var result = _test.Run(Workflow.Replace("\"sd15-tiny\"", $"\"{ckptName}\""));
        Assert.True(result.Status == ExecutionStatus.Succeeded, result.Failure?.ExceptionMessage);
        return result;
    }

    private byte[] Pixels(ExecutionResult result)
    {
        var file = result.Outputs[new("9")]["images"]![0]!;
        return Png.Read(Path.Combine(_test.Engine.Paths.Output, (string)file["subfolder"]!, (string)file["filename"]!)).Image.Pixels;
    }

    /// <summary>The checkpoints make_ckpt.py writes, made once for the class on first use and deleted afterwards.</summary>
    public sealed class Made : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("workflow-ckpt-").FullName;
        private readonly Lazy<string> _folder;

        public Made() => _folder = new(() =>
        {
            ReferencePython.Run(Path.Combine(AppContext.BaseDirectory, "Data", "make_ckpt.py"),
                Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"), _directory, Marker);
            return _directory;
        });

        /// <summary>The file evil.ckpt would create if anything ran its pickle.</summary>
        public string Marker => Path.Combine(_directory, "marker");

        public string File(string name) => Path.Combine(_folder.Value, name);

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
