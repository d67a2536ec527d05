using System.Globalization;
using System.Text.RegularExpressions;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// The way back, diffusers names → original (LDM) names, for writing a checkpoint in the layout real SD1.x files have.
/// It reads the same rename tables as the way in, numbers blocks as LDM's UNetModel does (input block 0 is conv_in,
/// each level's layers then its downsampler; output blocks per level, the upsampler in the level's last one, after its
/// transformer if it has one), and every name it makes is checked by mapping it forward again: the two directions
/// cannot disagree without an exception naming the key.
/// </summary>
public static partial class LdmKeyMap
{
    /// <param name="upLevelHasAttentions">Whether up level N has transformers: its upsampler then sits in slot 2, else in slot 1.</param>
    public static string UnetToLdm(string key, int layersPerBlock, Func<int, bool> upLevelHasAttentions)
    {
        var ldm = Reversed(key, UnetPrefixes) ?? UnetBlockToLdm(key, layersPerBlock, upLevelHasAttentions);
        return Unet(ldm, layersPerBlock) == key ? ldm : throw Disagreement(key, ldm);
    }

    /// <param name="levels">Number of down (and up) levels: diffusers numbers up_blocks from the bottom, LDM decoder.up from the top.</param>
    public static string VaeToLdm(string key, int levels)
    {
        var ldm = VaeBlockToLdm(key, levels);
        return Vae(ldm, levels) == key ? ldm : throw Disagreement(key, ldm);
    }

    private static string UnetBlockToLdm(string key, int layersPerBlock, Func<int, bool> upLevelHasAttentions)
    {
        var m = DiffusersUnetBlock().Match(key);
        if (!m.Success)
            throw new ArgumentException($"UNet key {key} has no place in the original layout", nameof(key));
        var (blocks, kind, rest) = (m.Groups[1].Value, m.Groups[3].Value, m.Groups[5].Value);
        int level = m.Groups[2].Success ? Number(m.Groups[2].Value) : 0, layer = Number(m.Groups[4].Value);
        return (blocks, kind) switch
        {
            ("mid_block", "resnets") => $"middle_block.{2 * layer}." + ResnetToLdm(rest),
            ("mid_block", _) => "middle_block.1." + rest,
            ("down_blocks", "resnets") => $"input_blocks.{1 + level * (layersPerBlock + 1) + layer}.0." + ResnetToLdm(rest),
            ("down_blocks", "attentions") => $"input_blocks.{1 + level * (layersPerBlock + 1) + layer}.1." + rest,
            ("down_blocks", _) => $"input_blocks.{(level + 1) * (layersPerBlock + 1)}.0.op." + rest["conv.".Length..],
            ("up_blocks", "resnets") => $"output_blocks.{level * (layersPerBlock + 1) + layer}.0." + ResnetToLdm(rest),
            ("up_blocks", "attentions") => $"output_blocks.{level * (layersPerBlock + 1) + layer}.1." + rest,
            _ => $"output_blocks.{level * (layersPerBlock + 1) + layersPerBlock}.{(upLevelHasAttentions(level) ? 2 : 1)}." + rest,
        };
    }

    private static string VaeBlockToLdm(string key, int levels)
    {
        var m = DiffusersVaeBlock().Match(key);
        if (!m.Success)
            return key.Replace(".conv_norm_out.", ".norm_out.", StringComparison.Ordinal);
        var (side, blocks, rest) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[6].Value);
        var (kind, layer) = (m.Groups[4].Value, m.Groups[5].Value);
        if (blocks == "mid_block")
            return kind == "resnets"
                ? $"{side}.mid.block_{Number(layer) + 1}." + VaeResnetToLdm(rest)
                : $"{side}.mid.attn_1." + (Reversed(rest, VaeAttentionNames) ?? rest);
        int level = Number(m.Groups[3].Value);
        var (list, ldmLevel) = blocks == "down_blocks" ? ("down", level) : ("up", levels - 1 - level);
        string tail = kind switch
        {
            "resnets" => $"block.{layer}." + VaeResnetToLdm(rest),
            "downsamplers" => "downsample." + rest,
            _ => "upsample." + rest,
        };
        return $"{side}.{list}.{ldmLevel}.{tail}";
    }

    private static string ResnetToLdm(string rest) => Reversed(rest, ResnetNames) ?? rest;

    private static string VaeResnetToLdm(string rest) => rest.Replace("conv_shortcut.", "nin_shortcut.", StringComparison.Ordinal);

    private static string? Reversed(string key, (string Ldm, string Diffusers)[] prefixes) =>
        prefixes.Where(p => key.StartsWith(p.Diffusers, StringComparison.Ordinal)).Select(p => p.Ldm + key[p.Diffusers.Length..]).FirstOrDefault();

    private static int Number(string digits) => int.Parse(digits, CultureInfo.InvariantCulture);

    private static InvalidOperationException Disagreement(string key, string ldm) =>
        new($"the original name made for {key}, {ldm}, maps back to something else: LdmKeyMap's two directions disagree");

    [GeneratedRegex(@"^(down_blocks|up_blocks|mid_block)\.(?:(\d+)\.)?(resnets|attentions|downsamplers|upsamplers)\.(\d+)\.(.+)$")]
    private static partial Regex DiffusersUnetBlock();

    [GeneratedRegex(@"^(encoder|decoder)\.(down_blocks|up_blocks|mid_block)\.(?:(\d+)\.)?(resnets|attentions|downsamplers|upsamplers)\.(\d+)\.(.+)$")]
    private static partial Regex DiffusersVaeBlock();
}
