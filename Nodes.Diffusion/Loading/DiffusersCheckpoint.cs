using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Text;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// A Stable Diffusion pipeline folder (StableDiffusionPipeline's model_index.json): the UNet with the scheduler's
/// noise schedule and the VAE's latent format, the text encoder with tokenizer/, and the VAE.
/// </summary>
public static class DiffusersCheckpoint
{
    public static LoadedCheckpoint Load(string folder)
    {
        var components = new DiffusersFolder(folder);
        var disposables = new List<IDisposable>();
        try
        {
            var vae = Track(disposables, new ImageVae(components.LoadVae()));
            var schedule = DdimSchedulerConfig.FromJson(components.Config("scheduler"), components.ConfigPath("scheduler"));
            var format = new LatentFormat(vae.Autoencoder.Config.LatentChannels, vae.Autoencoder.Config.ScalingFactor, vae.Autoencoder.Config.ShiftFactor ?? 0);
            var model = Track(disposables, new DiffusionModel(components.LoadUnet(), schedule, format));
            var clip = new ClipModel(components.LoadTextEncoder(), ClipTokenizer.Load(components.ComponentFolder("tokenizer")));
            return new LoadedCheckpoint(model, clip, vae);
        }
        catch
        {
            disposables.ForEach(d => d.Dispose());
            throw;
        }
    }

    private static T Track<T>(List<IDisposable> disposables, T item) where T : IDisposable
    {
        disposables.Add(item);
        return item;
    }
}
