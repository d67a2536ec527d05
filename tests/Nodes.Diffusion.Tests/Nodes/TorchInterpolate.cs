using Workflow.Nodes.Diffusion.Resizing;
using Workflow.Testing;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Tests.Nodes;

/// <summary>Debian PyTorch's torch.nn.functional.interpolate (Data/interpolate.py) as the reference for ComfyUI's resizes of latents and images.</summary>
internal static class TorchInterpolate
{
    /// <summary>PyTorch's results on <paramref name="samples"/> for each region ("mode:height:width:top:bottom:left:right"), by region.</summary>
    public static Dictionary<string, Tensor> References(string folder, Tensor samples, string[] regions)
    {
        var input = Path.Combine(folder, "input.safetensors");
        var output = Path.Combine(folder, "output.pt");
        SafeTensors.Save(input, new Dictionary<string, Tensor> { ["samples"] = samples });
        ReferencePython.Run([Path.Combine(AppContext.BaseDirectory, "Data", "interpolate.py"), input, output, .. regions.Select((r, i) => $"{i}:{r}")]);
        using var file = TensorFile.Open(output);
        return regions.Select((r, i) => (r, file.Load(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).DetachFromDisposeScope())).ToDictionary();
    }

    /// <summary>interpolate's name for the mode.</summary>
    public static string Mode(UpscaleMethod method) => method switch
    {
        UpscaleMethod.NearestExact => "nearest-exact",
        UpscaleMethod.Bilinear => "bilinear",
        UpscaleMethod.Area => "area",
        _ => "bicubic",
    };

    /// <summary>A case's region for the reference script, "mode:height:width:top:bottom:left:right", from <paramref name="expected"/> [top, bottom, left, right, height, width].</summary>
    public static string Region(UpscaleMethod method, int[] expected) =>
        $"{Mode(method)}:{expected[4]}:{expected[5]}:{expected[0]}:{expected[1]}:{expected[2]}:{expected[3]}";

    /// <summary>Both sides run the same libtorch kernels; a float32 ulp of slack for a different thread split.</summary>
    public static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        var worst = (expected - actual).abs().max().item<float>();
        Assert.True(worst <= 1e-6, $"differs from PyTorch's interpolate by {worst}");
    }
}
