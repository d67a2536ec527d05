using Workflow.Nodes.Diffusion.Loading;
using Workflow.Nodes.Diffusion.Tests.Models;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>
/// The image-conditioning models in the pickled forms they are published in (torch.save by Data/save_as_bin.py):
/// tencent's IP-Adapter .bin (nested image_proj / ip_adapter dicts), a CLIP vision pytorch_model.bin beside its
/// config.json, and a diffusers component's .bin load the same weights as their safetensors.
/// </summary>
public sealed class PickledModelsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pickled-models-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GoldenPyTorchTheory(MultiviewFixture.Name)]
    [InlineData("ip_adapter/models/ip-adapter_sd15-tiny.safetensors")]
    [InlineData("ip_adapter/models/ip-adapter-plus_sd15-tiny.safetensors")]
    public void IpAdapter_bin_with_nested_dicts_loads_like_its_safetensors(string file)
    {
        var bin = SaveAsBin(MultiviewFixture.File(file), Path.Combine(_dir, "ip-adapter.bin"), "nested");
        using var expected = IpAdapterCheckpoint.Load(MultiviewFixture.File(file));
        using var actual = IpAdapterCheckpoint.Load(bin);
        Assert.Equal(expected.Kind, actual.Kind);
        AssertSameWeights(expected, actual);
    }

    [GoldenPyTorchFact(MultiviewFixture.Name)]
    public void Clip_vision_folder_with_pytorch_model_bin_loads_like_its_safetensors()
    {
        var encoder = MultiviewFixture.File("ip_adapter/models/image_encoder");
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "image_encoder")).FullName;
        File.Copy(Path.Combine(encoder, "config.json"), Path.Combine(folder, "config.json"));
        SaveAsBin(Path.Combine(encoder, "model.safetensors"), Path.Combine(folder, "pytorch_model.bin"), "flat");
        using var expected = ClipVisionCheckpoint.Load(encoder);
        using var actual = ClipVisionCheckpoint.Load(folder);
        AssertSameWeights(expected, actual);
    }

    [GoldenPyTorchFact(Sd15Fixture.Name)]
    public void Diffusers_component_bin_loads_like_its_safetensors()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "pipeline", "unet")).FullName;
        File.Copy(Path.Combine(Golden.File(Sd15Fixture.Name, "model/unet"), "config.json"), Path.Combine(folder, "config.json"));
        SaveAsBin(Golden.File(Sd15Fixture.Name, "model/unet/diffusion_pytorch_model.safetensors"), Path.Combine(folder, "diffusion_pytorch_model.bin"), "flat");
        using var expected = Sd15Fixture.Folder.LoadUnet();
        using var actual = new DiffusersFolder(Path.Combine(_dir, "pipeline")).LoadUnet();
        AssertSameWeights(expected, actual);
    }

    private static string SaveAsBin(string source, string target, string layout)
    {
        ReferencePython.Run(Path.Combine(AppContext.BaseDirectory, "Data", "save_as_bin.py"), source, target, layout);
        Assert.Equal(TensorFileFormat.PyTorch, TensorFile.Detect(target));
        return target;
    }

    private static void AssertSameWeights(Module expected, Module actual)
    {
        var actualState = actual.state_dict();
        Assert.Equal(expected.state_dict().Keys.Order(), actualState.Keys.Order());
        foreach (var (key, tensor) in expected.state_dict())
            Assert.True(tensor.equal(actualState[key]), $"{key} differs between the pickle and the safetensors");
    }
}
