using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// A diffusion model on its own, as ComfyUI's UNETLoader reads models/diffusion_models/ (and models/unet/): an SD1.x or
/// SD2.x UNet in LDM's names, under model.diffusion_model. or any other prefix, or none (as ComfyUI's ModelSave writes
/// one). Configured from its shapes and a same-stem .yaml, which also gives the noise schedule and parameterization
/// (else SD1.x's, ε-prediction), as for a single-file checkpoint; the file holds no VAE, so latents are SD1.x's.
/// </summary>
public static class UnetCheckpoint
{
    /// <summary>The first convolution of an LDM UNet, the key ComfyUI's detection starts from.</summary>
    private const string LdmMarker = "input_blocks.0.0.weight";

    public static DiffusionModel Load(string path)
    {
        using var file = TensorFile.Open(path);
        var prefix = Prefix(file);
        var yaml = OriginalConfigYaml.Beside(path);
        var schedule = LdmSchedule.Read(yaml, file, DdimSchedulerConfig.StableDiffusion1);
        var config = LdmConfigs.Unet(new CheckpointShapes(file, prefix, path), yaml);
        return new DiffusionModel(SingleFileCheckpoint.LoadUnet(file, prefix, config), schedule, LatentFormat.StableDiffusion1);
    }

    private static string Prefix(ITensorFile file)
    {
        if (file.Keys.FirstOrDefault(k => k.EndsWith(LdmMarker, StringComparison.Ordinal)) is { } marker)
            return marker[..^LdmMarker.Length];
        if (file.Keys.Any(k => k.EndsWith("joint_blocks.0.context_block.attn.qkv.weight", StringComparison.Ordinal)))
            throw new NotSupportedException($"{file.Path} is an SD3 MM-DiT without its VAE and text encoders; load SD3 from its checkpoint with CheckpointLoaderSimple");
        if (file.Contains("conv_in.weight") && file.Keys.Any(k => k.StartsWith("down_blocks.", StringComparison.Ordinal)))
            throw new NotSupportedException($"{file.Path} is a UNet in diffusers' names, which says nothing of its configuration; load it as part of its diffusers folder (models/checkpoints/) or save it in LDM's names");
        var found = file.Keys.Select(k => string.Join('.', k.Split('.').Take(2))).Distinct().Order().Take(8);
        throw new InvalidDataException($"{file.Path} is not a UNet in LDM's names: no {LdmMarker} under any prefix (found {string.Join(", ", found)}…)");
    }
}
