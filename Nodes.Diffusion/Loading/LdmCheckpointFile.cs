using System.Globalization;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Unet;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Writes an SD1.x checkpoint (our diffusers-named modules) as one safetensors file in the original layout, as real
/// SD1.5 files are (v1-5-pruned-emaonly.safetensors): model.diffusion_model.*, first_stage_model.* (the VAE's
/// attention projections as 1x1 convolutions) and cond_stage_model.transformer.text_model.*, named by
/// <see cref="LdmKeyMap"/>'s way back. Tensors are written in the dtype they have: convert the modules first for
/// another. A same-stem .yaml with the attention heads is written beside it. For benchmarks and tests, which need
/// such files without downloads.
/// </summary>
public static class LdmCheckpointFile
{
    /// <param name="extra">Tensors written beside the model's under their own names (model_ema.*, to test that loading skips them).</param>
    public static void Save(string path, LoadedCheckpoint checkpoint, IReadOnlyDictionary<string, Tensor>? extra = null)
    {
        var unet = checkpoint.Model.Network.Module as UNet2DConditionModel
            ?? throw new NotSupportedException($"only an SD1.x UNet is written in the original layout, not {checkpoint.Model.Network.Module.GetType().Name}");
        var clip = checkpoint.Clip as ClipModel ?? throw new NotSupportedException($"only a CLIP-L text encoder is written, not {checkpoint.Clip.GetType().Name}");
        var vae = checkpoint.Vae as ImageVae ?? throw new NotSupportedException($"only an image VAE is written, not {checkpoint.Vae.KindName}");

        using var scope = torch.NewDisposeScope();   // the VAE attention views
        var tensors = new Dictionary<string, Tensor>(extra ?? new Dictionary<string, Tensor>(), StringComparer.Ordinal);
        var unetState = unet.state_dict();
        var levelsWithAttentions = unetState.Keys.Where(k => k.StartsWith("up_blocks.", StringComparison.Ordinal) && k.Contains(".attentions.", StringComparison.Ordinal))
            .Select(k => int.Parse(k.Split('.')[1], CultureInfo.InvariantCulture)).ToHashSet();
        foreach (var (key, tensor) in unetState)
            tensors.Add("model.diffusion_model." + LdmKeyMap.UnetToLdm(key, unet.Config.LayersPerBlock, levelsWithAttentions.Contains), tensor);
        var levels = vae.Autoencoder.Config.BlockOutChannels.Length;
        foreach (var (key, tensor) in vae.Autoencoder.state_dict())
            tensors.Add("first_stage_model." + LdmKeyMap.VaeToLdm(key, levels), LdmKeyMap.IsVaeAttentionConv(key) ? tensor.view([.. tensor.shape, 1, 1]) : tensor);
        foreach (var (key, tensor) in clip.Encoder.state_dict())
            tensors.Add("cond_stage_model.transformer." + key, tensor);
        SafeTensors.Save(path, tensors);
        File.WriteAllText(Path.ChangeExtension(path, ".yaml"), HeadsYaml(unet.Config.HeadsPerBlock));
    }

    /// <summary>
    /// A v1-inference-shaped .yaml with the heads (LDM's num_heads), which the loader can tell from the shapes only at
    /// SD1.x's own width (context 768): written beside every file, so a smaller model loads too (as sd15-tiny's has one).
    /// </summary>
    private static string HeadsYaml(int[] headsPerBlock) =>
        headsPerBlock.Distinct().Count() == 1
            ? $"model:\n  params:\n    unet_config:\n      params:\n        num_heads: {headsPerBlock[0].ToString(CultureInfo.InvariantCulture)}\n"
            : throw new NotSupportedException($"a UNet with heads per block [{string.Join(", ", headsPerBlock)}] has no LDM num_heads");
}
