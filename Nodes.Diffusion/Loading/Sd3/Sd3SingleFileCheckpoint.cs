using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.Sd3;
using Workflow.Nodes.Diffusion.Models.T5;
using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading.Sd3;

/// <summary>Where a single file's tokenizers are looked for, in order: CLIP-L's, CLIP-G's and T5's folders.</summary>
public sealed record Sd3TokenizerFolders(IReadOnlyList<string> ClipL, IReadOnlyList<string> ClipG, IReadOnlyList<string> T5)
{
    /// <summary>models/tokenizers/clip_l, clip_g and t5 (the tokenizer, tokenizer_2 and tokenizer_3 folders of an SD3 diffusers download).</summary>
    public static Sd3TokenizerFolders Under(string tokenizersRoot) =>
        new([Path.Combine(tokenizersRoot, TokenizerFolders.ClipLName)], [Path.Combine(tokenizersRoot, TokenizerFolders.ClipGName)], [Path.Combine(tokenizersRoot, TokenizerFolders.T5Name)]);

    /// <summary>Each folder of a diffusers pipeline first, then these.</summary>
    public Sd3TokenizerFolders After(string pipelineFolder) =>
        new([Path.Combine(pipelineFolder, "tokenizer"), .. ClipL], [Path.Combine(pipelineFolder, "tokenizer_2"), .. ClipG], [Path.Combine(pipelineFolder, "tokenizer_3"), .. T5]);
}

/// <summary>
/// An SD3 or SD3.5 single file in the original layout (sd3_medium*.safetensors): the MM-DiT under
/// model.diffusion_model. (renamed to diffusers' names on load), the 16-channel VAE under first_stage_model., and,
/// in the incl_clips variants, text_encoders.clip_l / clip_g / t5xxl.transformer. Configurations come from tensor
/// shapes (<see cref="Sd3Configs"/>) — or, as diffusers' from_single_file(config=…), from the diffusers folder
/// named as the file's stem beside it, which tiny or unusual models need (attention heads, VAE groups). Without
/// CLIP-L and CLIP-G the CLIP output says to use TripleCLIPLoader; without T5 its part of the prompt is zeros.
/// </summary>
public static class Sd3SingleFileCheckpoint
{
    private const string MmditPrefix = "model.diffusion_model.";
    private const string VaePrefix = "first_stage_model.";
    private const string ClipLPrefix = "text_encoders.clip_l.transformer.";
    private const string ClipGPrefix = "text_encoders.clip_g.transformer.";
    private const string T5Prefix = "text_encoders.t5xxl.transformer.";

    /// <summary>Whether <paramref name="file"/> holds an MM-DiT (ComfyUI's trigger: a joint block's context qkv).</summary>
    public static bool IsSd3(ITensorFile file) => file.Contains(MmditPrefix + "joint_blocks.0.context_block.attn.qkv.weight");

    /// <summary>The diffusers folder named as the file's stem beside it, if there is one.</summary>
    public static string? ConfigFolderBeside(string path)
    {
        var folder = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path));
        return DiffusersFolder.IsDiffusersFolder(folder) ? folder : null;
    }

    public static LoadedCheckpoint Load(ITensorFile file, Sd3TokenizerFolders tokenizers, string? configFolder = null)
    {
        var path = file.Path;
        if (!IsSd3(file))
            throw new InvalidDataException($"{path} is not an SD3 checkpoint in the original layout: no {MmditPrefix}joint_blocks.*");
        var configs = configFolder is null ? null : new DiffusersFolder(configFolder);
        if (configs is not null)
            tokenizers = tokenizers.After(configFolder!);
        return PartialLoad.Build(parts =>
        {
            var transformerConfig = configs is null
                ? Sd3Configs.Transformer(new CheckpointShapes(file, MmditPrefix, path))
                : Sd3TransformerConfig.FromJson(configs.Config("transformer"), configs.ConfigPath("transformer"));
            var transformer = parts.Add(ModuleLoading.LoadInto(new SD3Transformer2DModel(transformerConfig), new Sd3TransformerKeys(file, MmditPrefix)));
            var vae = parts.Add(new ImageVae(LoadVae(file, path, configs)));
            var clip = parts.Add(LoadClip(file, path, configs, tokenizers, transformerConfig.JointAttentionDim));
            var shift = configs is null ? FlowMatchEulerSchedulerConfig.Sd3.Shift
                : FlowMatchEulerSchedulerConfig.FromJson(configs.Config("scheduler"), configs.ConfigPath("scheduler")).Shift;
            return new LoadedCheckpoint(new DiffusionModel(transformer, new ModelSamplingDiscreteFlow(shift), vae.LatentFormat), clip, vae);
        });
    }

    private static AutoencoderKL LoadVae(ITensorFile file, string path, DiffusersFolder? configs)
    {
        var config = configs is null
            ? LdmConfigs.Vae(new CheckpointShapes(file, VaePrefix, path), yaml: null, LatentFormat.StableDiffusion3)
            : AutoencoderKLConfig.FromJson(configs.Config("vae"), configs.ConfigPath("vae"));
        var source = new RenamedTensorSource(file, VaePrefix, k => LdmKeyMap.Vae(k, config.BlockOutChannels.Length), LdmKeyMap.IsVaeAttentionConv);
        return ModuleLoading.LoadInto(new AutoencoderKL(config), source);
    }

    private static IClip LoadClip(ITensorFile file, string path, DiffusersFolder? configs, Sd3TokenizerFolders tokenizers, int jointAttentionDim)
    {
        bool Has(string prefix) => file.Contains(prefix + "text_model.embeddings.token_embedding.weight");
        if (!Has(ClipLPrefix) || !Has(ClipGPrefix))
            return new MissingClip(path);
        ClipTextConfig ClipConfig(string prefix, string component, bool clipG) => configs is null
            ? Sd3Configs.Clip(new CheckpointShapes(file, prefix, path), clipG)
            : ClipTextConfig.FromJson(configs.Config(component), configs.ConfigPath(component));
        return PartialLoad.Build<IClip>(parts =>
        {
            var clipL = Sd3TextEncoders.LoadClip(file, ClipLPrefix, ClipConfig(ClipLPrefix, "text_encoder", clipG: false),
                Sd3TextEncoders.FindTokenizer(tokenizers.ClipL, "vocab.json", "CLIP-L", path));
            parts.Add(clipL.Encoder);
            var clipG = Sd3TextEncoders.LoadClip(file, ClipGPrefix, ClipConfig(ClipGPrefix, "text_encoder_2", clipG: true),
                Sd3TextEncoders.FindTokenizer(tokenizers.ClipG, "vocab.json", "CLIP-G", path));
            parts.Add(clipG.Encoder);
            T5Text? t5 = null;
            if (file.Contains(T5Prefix + "encoder.final_layer_norm.weight"))
            {
                var t5Config = configs is null ? Sd3Configs.T5(new CheckpointShapes(file, T5Prefix, path)) : T5Config.FromJson(configs.Config("text_encoder_3"), configs.ConfigPath("text_encoder_3"));
                t5 = Sd3TextEncoders.LoadT5(file, T5Prefix, t5Config, Sd3TextEncoders.FindTokenizer(tokenizers.T5, "spiece.model", "T5", path));
            }
            return new Sd3Clip(clipL, clipG, t5, jointAttentionDim);
        });
    }
}
