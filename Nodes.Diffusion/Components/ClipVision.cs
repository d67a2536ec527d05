using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>ComfyUI's CLIP_VISION: a CLIP vision tower with its projection, and how it wants its pictures prepared.</summary>
[SocketType("CLIP_VISION")]
public sealed class ClipVision(ClipVisionModel model) : IDisposable, IMemoryFootprint, IDeviceModel
{
    public ClipVisionModel Model { get; } = model;

    public Device Device => ModuleMemory.DeviceOf(Model);

    public IReadOnlyList<Module> WeightModules => [Model];

    public long HostBytes => ModuleMemory.HostBytes(Model);

    public long DeviceBytes => ModuleMemory.DeviceBytes(Model);

    /// <summary>
    /// Each image (float [0, 1], rounded to 8 bits as it was loaded) prepared as transformers' CLIPImageProcessor for
    /// this tower's input size, then encoded; the results come back on the CPU.
    /// </summary>
    public ClipVisionOutput Encode(ImageBatch images, bool cropToSquare)
    {
        using var scope = torch.NewDisposeScope();
        var processor = ClipImageProcessor.ForImageSize(Model.Config.ImageSize, cropToSquare);
        var pixels = torch.stack([.. Enumerable.Range(0, (int)images.Count).Select(i =>
        {
            var raster = ImageConversion.ToRaster(images.Pixels[i]);
            return processor.Preprocess(raster.Channels == 3 ? raster : Rgb(raster));
        })]).to(ModuleMemory.DtypeOf(Model), Device);
        using var output = Model.Forward(pixels);
        using var zeros = Model.Forward(torch.zeros_like(pixels.narrow(0, 0, 1)));
        return new ClipVisionOutput(ModelTensors.ToHost(output.ImageEmbeds), ModelTensors.ToHost(output.LastHiddenState),
            ModelTensors.ToHost(output.HiddenStates[^2]), ModelTensors.ToHost(zeros.HiddenStates[^2]));
    }

    /// <summary>Gray becomes three equal channels; alpha is dropped without compositing, as PIL's convert("RGB").</summary>
    private static Imaging.RasterImage Rgb(Imaging.RasterImage image)
    {
        var rgb = new byte[image.Width * image.Height * 3];
        for (var i = 0; i < image.Width * image.Height; i++)
            for (var c = 0; c < 3; c++)
                rgb[i * 3 + c] = image.Pixels[i * image.Channels + (image.Channels >= 3 ? c : 0)];
        return new Imaging.RasterImage(image.Width, image.Height, 3, rgb);
    }

    public void Dispose() => Model.Dispose();
}
