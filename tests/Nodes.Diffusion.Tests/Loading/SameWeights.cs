using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>Two loads of one checkpoint compared component by component, every parameter and buffer bit for bit.</summary>
internal static class SameWeights
{
    public static void Assert(LoadedCheckpoint expected, LoadedCheckpoint actual)
    {
        Component("denoiser", expected.Model.Network.Module, actual.Model.Network.Module);
        Component("vae", expected.Vae.Autoencoder, actual.Vae.Autoencoder);
        var (expectedText, actualText) = (TextEncoders(expected.Clip), TextEncoders(actual.Clip));
        Xunit.Assert.Equal(expectedText.Count, actualText.Count);
        foreach (var (e, a) in expectedText.Zip(actualText))
            Component(e.Name, e.Module, a.Module);
        Xunit.Assert.Equal(expected.Model.LatentFormat, actual.Model.LatentFormat);
        Xunit.Assert.Equal(expected.Model.Sampling.GetType(), actual.Model.Sampling.GetType());
        Xunit.Assert.Equal(expected.Model.Sampling.Sigmas, actual.Model.Sampling.Sigmas);
        if (expected.Model.Sampling is ModelSamplingDiscrete)
            Xunit.Assert.Equal(expected.Model.Schedule.PredictionType, actual.Model.Schedule.PredictionType);
    }

    /// <summary>SD1's one text encoder; SD3's CLIP-L, CLIP-G and T5 (where present).</summary>
    private static List<(string Name, Module Module)> TextEncoders(IClip clip) => clip switch
    {
        ClipModel sd1 => [("text_encoder", sd1.Encoder)],
        Sd3Clip sd3 => [("clip_l", sd3.ClipL.Encoder), ("clip_g", sd3.ClipG.Encoder), .. sd3.T5 is null ? [] : new[] { ("t5", (Module)sd3.T5.Encoder) }],
        _ => throw new ArgumentException($"no text encoders known for {clip.GetType().Name}"),
    };

    public static void Dispose(params LoadedCheckpoint[] checkpoints)
    {
        foreach (var loaded in checkpoints)
        {
            loaded.Model.Dispose();
            loaded.Clip.Dispose();
            loaded.Vae.Dispose();
        }
    }

    /// <summary>One component of two loads: the same keys, every tensor equal.</summary>
    public static void Component(string component, Module expected, Module actual)
    {
        var expectedState = expected.state_dict();
        var actualState = actual.state_dict();
        Xunit.Assert.Equal(expectedState.Keys.Order(), actualState.Keys.Order());
        foreach (var (key, tensor) in expectedState)
            Xunit.Assert.True(tensor.equal(actualState[key]), $"{component}: {key} differs between the two loads");
    }
}
