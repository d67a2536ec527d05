using Workflow.Host.Registry;
using Workflow.NodeSdk;

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

    /// <summary>ComfyUI's folder_paths: text encoders in text_encoders/ and clip/, diffusion models in unet/ and diffusion_models/, configs as .yaml.</summary>
    [Theory]
    [InlineData("text_encoders", "text_encoders", "clip")]
    [InlineData("clip", "text_encoders", "clip")]
    [InlineData("diffusion_models", "unet", "diffusion_models")]
    [InlineData("unet", "unet", "diffusion_models")]
    public void A_kind_with_a_legacy_folder_lists_both_merged(string kind, string first, string second)
    {
        var paths = new NodePaths(_models, "", "", "");
        Assert.Equal([Path.Combine(_models, first), Path.Combine(_models, second)], paths.ModelFolders(kind));
        foreach (var (folder, name) in new[] { (first, "b.safetensors"), (second, "a.safetensors"), (second, "b.safetensors") })
        {
            Directory.CreateDirectory(Path.Combine(_models, folder));
            File.WriteAllText(Path.Combine(_models, folder, name), "");
        }
        Assert.Equal(["a.safetensors", "b.safetensors"], FileListing.ModelFiles(paths, kind));
    }

    [Fact]
    public void Configs_list_yaml_files()
    {
        var configs = Directory.CreateDirectory(Path.Combine(_models, "configs")).FullName;
        foreach (var name in new[] { "v1-inference.yaml", "model.safetensors", "notes.txt" })
            File.WriteAllText(Path.Combine(configs, name), "");
        Assert.Equal(["v1-inference.yaml"], FileListing.ModelFiles(new NodePaths(_models, "", "", ""), "configs"));
    }
}
