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
        return PartialLoad.Build(parts =>
        {
            var vae = parts.Add(new ImageVae(components.LoadVae()));
            var schedule = DdimSchedulerConfig.FromJson(components.Config("scheduler"), components.ConfigPath("scheduler"));
            var model = parts.Add(new DiffusionModel(components.LoadUnet(), schedule, vae.LatentFormat));
            var clip = new ClipModel(components.LoadTextEncoder(), ClipTokenizer.Load(components.ComponentFolder("tokenizer")));
            return new LoadedCheckpoint(model, clip, vae);
        });
    }
}
