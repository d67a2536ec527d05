using Workflow.Nodes.Diffusion.Loading;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

/// <summary>LDM → diffusers key renaming and its way back, checked against diffusers' convert_ldm_unet_checkpoint/convert_ldm_vae_checkpoint for SD1.5 (layers_per_block 2, 4 levels).</summary>
public sealed class LdmKeyMapTests
{
    [Theory]
    [InlineData("time_embed.0.weight", "time_embedding.linear_1.weight")]
    [InlineData("input_blocks.0.0.bias", "conv_in.bias")]
    [InlineData("input_blocks.1.0.in_layers.0.weight", "down_blocks.0.resnets.0.norm1.weight")]
    [InlineData("input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight", "down_blocks.0.attentions.1.transformer_blocks.0.attn2.to_k.weight")]
    [InlineData("input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight")]
    [InlineData("input_blocks.4.0.skip_connection.weight", "down_blocks.1.resnets.0.conv_shortcut.weight")]
    [InlineData("input_blocks.11.0.emb_layers.1.bias", "down_blocks.3.resnets.1.time_emb_proj.bias")]
    [InlineData("middle_block.1.proj_in.weight", "mid_block.attentions.0.proj_in.weight")]
    [InlineData("middle_block.2.out_layers.3.weight", "mid_block.resnets.1.conv2.weight")]
    [InlineData("output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight")]
    [InlineData("output_blocks.3.1.norm.weight", "up_blocks.1.attentions.0.norm.weight")]
    [InlineData("output_blocks.5.2.conv.bias", "up_blocks.1.upsamplers.0.conv.bias")]
    [InlineData("output_blocks.11.0.out_layers.0.weight", "up_blocks.3.resnets.2.norm2.weight")]
    [InlineData("out.2.weight", "conv_out.weight")]
    public void Unet_keys(string ldm, string diffusers)
    {
        Assert.Equal(diffusers, LdmKeyMap.Unet(ldm, layersPerBlock: 2));
        Assert.Equal(ldm, LdmKeyMap.UnetToLdm(diffusers, layersPerBlock: 2, upLevelHasAttentions: level => level > 0));   // SD1.5's up_blocks.0 has none
    }

    [Theory]
    [InlineData("encoder.down.0.block.1.nin_shortcut.weight", "encoder.down_blocks.0.resnets.1.conv_shortcut.weight")]
    [InlineData("encoder.down.2.downsample.conv.weight", "encoder.down_blocks.2.downsamplers.0.conv.weight")]
    [InlineData("encoder.mid.attn_1.q.weight", "encoder.mid_block.attentions.0.to_q.weight")]
    [InlineData("decoder.mid.attn_1.proj_out.bias", "decoder.mid_block.attentions.0.to_out.0.bias")]
    [InlineData("decoder.mid.attn_1.norm.weight", "decoder.mid_block.attentions.0.group_norm.weight")]
    [InlineData("decoder.mid.block_2.conv1.weight", "decoder.mid_block.resnets.1.conv1.weight")]
    [InlineData("decoder.up.3.block.0.norm1.weight", "decoder.up_blocks.0.resnets.0.norm1.weight")]
    [InlineData("decoder.up.1.upsample.conv.weight", "decoder.up_blocks.2.upsamplers.0.conv.weight")]
    [InlineData("decoder.norm_out.bias", "decoder.conv_norm_out.bias")]
    [InlineData("post_quant_conv.weight", "post_quant_conv.weight")]
    public void Vae_keys(string ldm, string diffusers)
    {
        Assert.Equal(diffusers, LdmKeyMap.Vae(ldm, levels: 4));
        Assert.Equal(ldm, LdmKeyMap.VaeToLdm(diffusers, levels: 4));
    }

    [Fact]
    public void Vae_attention_weights_are_reshaped_but_norms_and_biases_are_not()
    {
        Assert.True(LdmKeyMap.IsVaeAttentionConv("decoder.mid_block.attentions.0.to_out.0.weight"));
        Assert.False(LdmKeyMap.IsVaeAttentionConv("decoder.mid_block.attentions.0.to_out.0.bias"));
        Assert.False(LdmKeyMap.IsVaeAttentionConv("decoder.mid_block.attentions.0.group_norm.weight"));
    }

    [Fact]
    public void Unknown_keys_have_no_place() => Assert.Null(LdmKeyMap.Unet("label_emb.0.0.weight", 2));
}
