using Workflow.Nodes.Diffusion.Models.Sd3;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>PatchEmbed's cropped_pos_embed: the centre window of the stored M×M table, rows first.</summary>
public sealed class PositionCropTests
{
    /// <summary>SD3-medium (M = 192) at 1024² pixels: 64×64 patches, taken from rows and columns 64…127.</summary>
    [Fact]
    public void Crop_for_1024_pixels_on_sd3_medium_starts_at_row_and_column_64()
    {
        var config = Sd3TransformerConfig.Sd3Medium with { NumLayers = 1, NumAttentionHeads = 1, AttentionHeadDim = 1, CaptionProjectionDim = 1 };
        using var embed = new PatchEmbed(config);
        long m = config.PosEmbedMaxSize;
        using var table = torch.arange(m * m, dtype: torch.float32).reshape(1, m * m, 1);
        embed.load_state_dict(new Dictionary<string, Tensor> { ["pos_embed"] = table, ["proj.weight"] = torch.zeros([1, 16, 2, 2]), ["proj.bias"] = torch.zeros([1]) });

        using var window = embed.CroppedPositions(64, 64);

        var values = window.reshape(64, 64).ToArray<float>();
        Assert.Equal(64 * m + 64, values[0]);
        Assert.Equal(127 * m + 127, values[^1]);
        Assert.Equal(64 * m + 65, values[1]);      // columns vary fastest (row-major tokens)
    }

    [Fact]
    public void Odd_margins_round_down_on_the_top_and_left()
    {
        var config = Sd3TransformerConfig.Sd3Medium with { NumLayers = 1, NumAttentionHeads = 1, AttentionHeadDim = 1, CaptionProjectionDim = 1, PosEmbedMaxSize = 12 };
        using var embed = new PatchEmbed(config);
        using var table = torch.arange(144, dtype: torch.float32).reshape(1, 144, 1);
        embed.load_state_dict(new Dictionary<string, Tensor> { ["pos_embed"] = table, ["proj.weight"] = torch.zeros([1, 16, 2, 2]), ["proj.bias"] = torch.zeros([1]) });

        using var window = embed.CroppedPositions(5, 3);

        Assert.Equal(3 * 12 + 4, window.reshape(15).ToArray<float>()[0]);   // top (12−5)//2 = 3, left (12−3)//2 = 4
    }

    [Fact]
    public void A_latent_larger_than_the_table_is_refused()
    {
        var config = Sd3TransformerConfig.Sd3Medium with { NumLayers = 1, NumAttentionHeads = 1, AttentionHeadDim = 1, CaptionProjectionDim = 1, PosEmbedMaxSize = 4 };
        using var embed = new PatchEmbed(config);

        var error = Assert.Throws<ArgumentException>(() => embed.CroppedPositions(5, 2));

        Assert.Contains("larger than this model's position table (4×4)", error.Message);
    }
}
