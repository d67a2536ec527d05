using Workflow.Host.Registry;

namespace Workflow.Host.Tests.Registry;

/// <summary>Model combos list what ComfyUI's do: files with its supported_pt_extensions, and diffusers folders.</summary>
public sealed class FileListingTests : IDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("workflow-models-").FullName;

    public void Dispose() => Directory.Delete(_models, recursive: true);

    [Fact]
    public void Model_files_are_listed_by_comfyui_extensions_with_diffusers_folders()
    {
        var checkpoints = Directory.CreateDirectory(Path.Combine(_models, "checkpoints")).FullName;
        string[] models = ["a.ckpt", "b.pt", "c.pt2", "d.bin", "e.pth", "f.safetensors", "g.pkl", "h.sft", "sub/i.CKPT"];
        foreach (var name in models.Concat(["notes.txt", "j.yaml", ".hidden.pt"]))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(checkpoints, name))!);
            File.WriteAllText(Path.Combine(checkpoints, name), "");
        }
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(checkpoints, "pipeline")).FullName, "model_index.json"), "{}");

        Assert.Equal([.. models.Append("pipeline").Order(StringComparer.Ordinal)], FileListing.ModelFiles(checkpoints, _models));
    }
}
