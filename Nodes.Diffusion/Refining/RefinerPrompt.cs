using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Refining;

/// <summary>
/// The refiner's prompt: LTX-2 post-connector embeddings [B, L, D] with an optional mask [B, L] (1 for tokens, 0 for
/// padding), from a CONDITIONING (no mask: every token counts, as after LTX-2's connectors) or from a safetensors file
/// in input/ holding <c>prompt_embeds</c> and optionally <c>prompt_attention_mask</c>, the names of diffusers' pipeline
/// arguments. One prompt serves a whole batch of latents.
/// </summary>
public static class RefinerPrompt
{
    public const string EmbedsKey = "prompt_embeds", MaskKey = "prompt_attention_mask";

    /// <summary>The embeddings and mask for <paramref name="batch"/> latents, checked against the transformer's prompt width.</summary>
    public static (Tensor Embeds, Tensor? Mask) Read(NodePaths paths, Conditioning? conditioning, string file, LTX2VideoTransformerConfig config, long batch)
    {
        var (embeds, mask, input, value) = (conditioning, file) switch
        {
            (not null, { Length: > 0 }) => throw new InputException("embeddings", file, "give conditioning or an embeddings file, not both"),
            (not null, _) => FromConditioning(conditioning),
            (null, { Length: > 0 }) => FromFile(paths, file),
            _ => throw new InputException("conditioning", "(not connected)", "connect conditioning or name an embeddings file in input/"),
        };
        var width = config.UsePromptEmbeddings ? config.CaptionChannels : config.CrossAttentionDim;
        if (embeds.ndim != 3 || embeds.shape[2] != width || (embeds.shape[0] != batch && embeds.shape[0] != 1))
            throw new InputException(input, value, $"the prompt embeddings are [{string.Join(", ", embeds.shape)}]; the transformer takes [{batch} or 1, L, {width}]");
        if (mask is not null && !mask.shape.SequenceEqual(embeds.shape[..2]))
            throw new InputException(input, value, $"the attention mask is [{string.Join(", ", mask.shape)}]; the embeddings need [{embeds.shape[0]}, {embeds.shape[1]}]");
        return embeds.shape[0] == batch ? (embeds, mask) : (embeds.expand(batch, -1, -1), mask?.expand(batch, -1));
    }

    /// <summary>The file <paramref name="name"/> in input/; a name that leaves it fails on the embeddings input.</summary>
    public static string Resolve(NodePaths paths, string name)
    {
        try
        {
            return NodePaths.ResolveInside(paths.Input, name);
        }
        catch (ArgumentException ex)
        {
            throw new InputException("embeddings", name, ex.Message);
        }
    }

    public static void CheckExists(NodePaths paths, string name)
    {
        if (!RegularFile.Exists(Resolve(paths, name)))
            throw new InputException("embeddings", name, "no such file in input/");
    }

    private static (Tensor, Tensor?, string, object) FromConditioning(Conditioning conditioning)
    {
        PlainConditioning.Require(conditioning, "conditioning", "the refiner");
        return (conditioning.Entries[0].Embeddings, null, "conditioning", "CONDITIONING");
    }

    private static (Tensor, Tensor?, string, object) FromFile(NodePaths paths, string name)
    {
        try
        {
            using var file = SafeTensorsFile.Open(Resolve(paths, name));
            if (!file.Contains(EmbedsKey))
                throw new InputException("embeddings", name, $"the file has no {EmbedsKey} tensor");
            return (file.Load(EmbedsKey, torch.float32), file.Contains(MaskKey) ? file.Load(MaskKey, torch.int64) : null, "embeddings", name);
        }
        catch (Exception ex) when (ex is SafeTensorsException or IOException or UnauthorizedAccessException)
        {
            throw new InputException("embeddings", name, ex.Message, ex);
        }
    }
}
