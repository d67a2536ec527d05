using Workflow.Nodes.Diffusion.Loading;

namespace Workflow.Nodes.Diffusion.Tests.Loading;

public sealed class OriginalConfigYamlTests
{
    private const string Yaml = """
        # comment
        model:
          target: ldm.models.diffusion.ddpm.LatentDiffusion
          params:
            linear_start: 0.00085
            scale_factor: 0.18215   # trailing comment
            use_ema: false
            unet_config:
              params:
                channel_mult:
                - 1
                - 2
                num_heads: 8
                layer_norm_eps: 1.0e-05
                empty:
                attention_resolutions: [ 4, 2, 1 ]
                attn: []
        """;

    [Fact]
    public void Nested_mappings_lists_and_scalars_are_read()
    {
        var root = OriginalConfigYaml.Parse(Yaml);
        var parameters = root["model"]!["params"]!;
        Assert.Equal(0.00085, (double)parameters["linear_start"]!);
        Assert.Equal(0.18215, (double)parameters["scale_factor"]!);
        Assert.False((bool)parameters["use_ema"]!);
        Assert.Equal("ldm.models.diffusion.ddpm.LatentDiffusion", (string)root["model"]!["target"]!);
        var unet = parameters["unet_config"]!["params"]!;
        Assert.Equal([1L, 2L], unet["channel_mult"]!.AsArray().Select(n => (long)n!));
        Assert.Equal(8, (long)unet["num_heads"]!);
        Assert.Equal(1e-5, (double)unet["layer_norm_eps"]!);
        Assert.Null(unet["empty"]);
        Assert.Equal([4L, 2L, 1L], unet["attention_resolutions"]!.AsArray().Select(n => (long)n!));
        Assert.Empty(unet["attn"]!.AsArray());
    }

    [Fact]
    public void Syntax_outside_the_subset_is_refused() =>
        Assert.Throws<InvalidDataException>(() => OriginalConfigYaml.Parse("a: [[1], 2]"));

    /// <summary>PyYAML folds a long quoted string onto the next lines (MVDream's fixture configs have one).</summary>
    [Fact]
    public void A_quoted_value_may_continue_on_the_next_lines()
    {
        var root = OriginalConfigYaml.Parse("""
            cond_stage_config:
              x_real_target: 'mvdream.ldm.modules.encoders.modules.FrozenOpenCLIPEmbedder
                (layer: penultimate)'
              after: 1
            """);

        Assert.Equal("mvdream.ldm.modules.encoders.modules.FrozenOpenCLIPEmbedder (layer: penultimate)", (string)root["cond_stage_config"]!["x_real_target"]!);
        Assert.Equal(1, (long)root["cond_stage_config"]!["after"]!);
    }

    [Fact]
    public void An_unclosed_quoted_value_is_refused_with_its_line()
    {
        var error = Assert.Throws<InvalidDataException>(() => OriginalConfigYaml.Parse("a: 1\nb: 'open\n  still open\n"));

        Assert.Contains("line 2", error.Message);
    }
}
