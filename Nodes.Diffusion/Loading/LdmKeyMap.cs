using System.Globalization;
using System.Text.RegularExpressions;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Original (LDM/CompVis) key names → diffusers key names for SD1.x/SD2.x single-file checkpoints, as diffusers'
/// single_file_utils.convert_ldm_unet_checkpoint / convert_ldm_vae_checkpoint (v0.27.2) rename them. Keys arrive
/// without their model prefix (model.diffusion_model., first_stage_model.). Returns null for a key with no place.
/// </summary>
public static partial class LdmKeyMap
{
    /// <param name="layersPerBlock">num_res_blocks: input block i belongs to level (i−1)/(layers+1), output block i to level i/(layers+2).</param>
    public static string? Unet(string key, int layersPerBlock)
    {
        if (Renamed(key, UnetPrefixes) is { } renamed)
            return renamed;
        var input = InputBlock().Match(key);
        if (input.Success)
            return InputBlockKey(input, layersPerBlock);
        var middle = MiddleBlock().Match(key);
        if (middle.Success)
            return middle.Groups[1].Value switch
            {
                "0" => "mid_block.resnets.0." + Resnet(middle.Groups[2].Value),
                "1" => "mid_block.attentions.0." + middle.Groups[2].Value,
                _ => "mid_block.resnets.1." + Resnet(middle.Groups[2].Value),
            };
        var output = OutputBlock().Match(key);
        return output.Success ? OutputBlockKey(output, layersPerBlock) : null;
    }

    /// <param name="levels">Number of down (and up) levels: LDM numbers decoder.up.N from the bottom, diffusers from the top.</param>
    public static string? Vae(string key, int levels)
    {
        if (key.StartsWith("quant_conv.", StringComparison.Ordinal) || key.StartsWith("post_quant_conv.", StringComparison.Ordinal))
            return key;
        var m = VaeKey().Match(key);
        if (!m.Success)
            return null;
        var (side, rest) = (m.Groups[1].Value, m.Groups[2].Value);
        var block = VaeBlock().Match(rest);
        if (block.Success)
        {
            int level = int.Parse(block.Groups[2].Value, CultureInfo.InvariantCulture);
            string list = block.Groups[1].Value == "down" ? "down_blocks" : "up_blocks";
            if (list == "up_blocks")
                level = levels - 1 - level;
            string tail = block.Groups[3].Value switch
            {
                var t when t.StartsWith("block.", StringComparison.Ordinal) => "resnets." + VaeResnet(t["block.".Length..]),
                var t when t.StartsWith("downsample.", StringComparison.Ordinal) => "downsamplers.0." + t["downsample.".Length..],
                var t => "upsamplers.0." + t["upsample.".Length..],
            };
            return $"{side}.{list}.{level}.{tail}";
        }
        if (rest.StartsWith("mid.", StringComparison.Ordinal))
            return $"{side}.mid_block." + VaeMid(rest["mid.".Length..]);
        return $"{side}." + (rest.StartsWith("norm_out.", StringComparison.Ordinal) ? "conv_norm_out." + rest["norm_out.".Length..] : rest);
    }

    /// <summary>VAE attention q/k/v/proj_out are 1x1 convs in LDM and linears in diffusers: their weights drop the two unit dimensions.</summary>
    public static bool IsVaeAttentionConv(string diffusersKey) => VaeAttentionWeight().IsMatch(diffusersKey);

    private static readonly (string Ldm, string Diffusers)[] UnetPrefixes =
        [("time_embed.0.", "time_embedding.linear_1."), ("time_embed.2.", "time_embedding.linear_2."),
         ("input_blocks.0.0.", "conv_in."), ("out.0.", "conv_norm_out."), ("out.2.", "conv_out.")];

    private static string? Renamed(string key, (string Ldm, string Diffusers)[] prefixes) =>
        prefixes.Where(p => key.StartsWith(p.Ldm, StringComparison.Ordinal)).Select(p => p.Diffusers + key[p.Ldm.Length..]).FirstOrDefault();

    private static string InputBlockKey(Match m, int layersPerBlock)
    {
        int index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int level = (index - 1) / (layersPerBlock + 1), layer = (index - 1) % (layersPerBlock + 1);
        var (slot, rest) = (m.Groups[2].Value, m.Groups[3].Value);
        if (slot == "0" && rest.StartsWith("op.", StringComparison.Ordinal))
            return $"down_blocks.{level}.downsamplers.0.conv." + rest["op.".Length..];
        return slot == "0" ? $"down_blocks.{level}.resnets.{layer}." + Resnet(rest) : $"down_blocks.{level}.attentions.{layer}." + rest;
    }

    private static string OutputBlockKey(Match m, int layersPerBlock)
    {
        int index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int level = index / (layersPerBlock + 1), layer = index % (layersPerBlock + 1);
        var (slot, rest) = (m.Groups[2].Value, m.Groups[3].Value);
        if (slot == "0")
            return $"up_blocks.{level}.resnets.{layer}." + Resnet(rest);
        // Slot 1 is the transformer, or the upsampler in a block without attention; slot 2 is always the upsampler.
        return slot == "2" || rest.StartsWith("conv.", StringComparison.Ordinal)
            ? $"up_blocks.{level}.upsamplers.0." + rest
            : $"up_blocks.{level}.attentions.{layer}." + rest;
    }

    private static string Resnet(string rest) => Renamed(rest, ResnetNames) ?? rest;

    private static readonly (string Ldm, string Diffusers)[] ResnetNames =
        [("in_layers.0.", "norm1."), ("in_layers.2.", "conv1."), ("out_layers.0.", "norm2."), ("out_layers.3.", "conv2."),
         ("emb_layers.1.", "time_emb_proj."), ("skip_connection.", "conv_shortcut.")];

    private static string VaeResnet(string rest) => rest.Replace("nin_shortcut.", "conv_shortcut.", StringComparison.Ordinal);

    private static string VaeMid(string rest)
    {
        if (rest.StartsWith("block_1.", StringComparison.Ordinal)) return "resnets.0." + VaeResnet(rest["block_1.".Length..]);
        if (rest.StartsWith("block_2.", StringComparison.Ordinal)) return "resnets.1." + VaeResnet(rest["block_2.".Length..]);
        var attention = rest["attn_1.".Length..];
        return "attentions.0." + (Renamed(attention, VaeAttentionNames) ?? attention);
    }

    private static readonly (string Ldm, string Diffusers)[] VaeAttentionNames =
        [("norm.", "group_norm."), ("q.", "to_q."), ("k.", "to_k."), ("v.", "to_v."), ("proj_out.", "to_out.0.")];

    [GeneratedRegex(@"^input_blocks\.(\d+)\.(\d+)\.(.+)$")]
    private static partial Regex InputBlock();

    [GeneratedRegex(@"^middle_block\.(\d+)\.(.+)$")]
    private static partial Regex MiddleBlock();

    [GeneratedRegex(@"^output_blocks\.(\d+)\.(\d+)\.(.+)$")]
    private static partial Regex OutputBlock();

    [GeneratedRegex(@"^(encoder|decoder)\.(.+)$")]
    private static partial Regex VaeKey();

    [GeneratedRegex(@"^(down|up)\.(\d+)\.(.+)$")]
    private static partial Regex VaeBlock();

    [GeneratedRegex(@"mid_block\.attentions\.0\.(to_q|to_k|to_v|to_out\.0)\.weight$")]
    private static partial Regex VaeAttentionWeight();
}
