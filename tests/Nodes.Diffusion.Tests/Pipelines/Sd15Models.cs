using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Pipelines;

/// <summary>Puts the fixture's checkpoint into a test's models/ folder as links (read in place), in either layout.</summary>
internal static class Sd15Models
{
    public const string Folder = "folder";
    public const string SingleFile = "single_file";

    /// <summary>Links the layout into <paramref name="modelsRoot"/> and returns the ckpt_name to load it by.</summary>
    public static string Install(string modelsRoot, string layout)
    {
        var checkpoints = Directory.CreateDirectory(Path.Combine(modelsRoot, "checkpoints")).FullName;
        if (layout == Folder)
        {
            Directory.CreateSymbolicLink(Path.Combine(checkpoints, "sd15-tiny"), Golden.File(Sd15Fixture.Name, "model"));
            return "sd15-tiny";
        }
        File.CreateSymbolicLink(Path.Combine(checkpoints, "sd15-tiny.safetensors"), Golden.File(Sd15Fixture.Name, "sd15-tiny.safetensors"));
        File.CreateSymbolicLink(Path.Combine(checkpoints, "sd15-tiny.yaml"), Golden.File(Sd15Fixture.Name, "sd15-tiny.yaml"));
        Directory.CreateDirectory(Path.Combine(modelsRoot, "tokenizers"));
        Directory.CreateSymbolicLink(Path.Combine(modelsRoot, "tokenizers", "clip_l"), Golden.File(Sd15Fixture.Name, "model/tokenizer"));
        return "sd15-tiny.safetensors";
    }
}
