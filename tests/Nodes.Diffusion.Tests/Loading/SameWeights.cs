using Workflow.Nodes.Diffusion.Loading;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>Two loads of one checkpoint compared component by component, every parameter and buffer bit for bit.</summary>
internal static class SameWeights
{
    public static void Assert(LoadedCheckpoint expected, LoadedCheckpoint actual)
    {
        Component("unet", expected.Model.Network.Module, actual.Model.Network.Module);
        Component("vae", expected.Vae.Autoencoder, actual.Vae.Autoencoder);
        Component("text_encoder", expected.Clip.Encoder, actual.Clip.Encoder);
        Xunit.Assert.Equal(expected.Model.LatentFormat, actual.Model.LatentFormat);
        Xunit.Assert.Equal(expected.Model.Schedule.PredictionType, actual.Model.Schedule.PredictionType);
    }

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
