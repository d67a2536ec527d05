namespace Workflow.Testing.Hostile;

/// <summary>
/// Configuration files a few bytes long that ask for what no model means: a hundred million timesteps, a million
/// layers, numbers that are text, nesting without end. Each entry: a name, the file's text, and the key (or phrase)
/// the refusal must name.
/// </summary>
public static class HostileConfigs
{
    /// <summary>Same-stem YAMLs whose schedule values are refused before any weight is read.</summary>
    public static IReadOnlyList<(string Name, string Yaml, string Names)> ScheduleYamls { get; } =
    [
        ("timesteps-1e8", Ldm("timesteps: 1e8"), "model.params.timesteps = 100000000: must be a whole number between 2 and 10,000"),
        ("timesteps-0", Ldm("timesteps: 0"), "model.params.timesteps = 0: must be a whole number between 2 and 10,000"),
        ("timesteps-text", Ldm("timesteps: many"), "model.params.timesteps = 'many': must be a number"),
        ("linear-start-text", Ldm("linear_start: abc"), "model.params.linear_start = 'abc': must be a number"),
        ("linear-end-infinite", Ldm("linear_end: 1e400"), "model.params.linear_end = '1e400': must be a number"),
        ("linear-end-negative", Ldm("linear_end: -0.5"), "model.params.linear_end = -0.5: must be between 0 and 1"),
        ("parameterization-list", Ldm("parameterization: [1, 2]"), "model.params.parameterization = [1,2]: must be text"),
        ("nested-forever", "model:\n" + string.Concat(Enumerable.Range(1, 200).Select(i => new string(' ', i) + $"k{i}:\n")) + new string(' ', 201) + "x: 1\n", "nested deeper than 32 levels"),
        ("empty", "# nothing but a comment\n", "the YAML document is empty"),
        ("not-a-mapping", "- 1\n- 2\n", "the YAML document is not a mapping"),
    ];

    /// <summary>Same-stem YAMLs whose model values are refused once shapes are read (they need real weights beside them).</summary>
    public static IReadOnlyList<(string Name, string Yaml, string Names)> ModelYamls { get; } =
    [
        ("clip-layers-1e6", TinyClip("num_hidden_layers: 1000000"), "x_tiny_clip_text_config: num_hidden_layers = 1000000: must be between 1 and 64"),
        ("clip-hidden-text", TinyClip("hidden_size: wide"), "x_tiny_clip_text_config: The JSON value could not be converted to System.Int32. Path: $.hidden_size"),
        ("clip-heads-uneven", TinyClip("num_attention_heads: 5"), "x_tiny_clip_text_config: num_attention_heads = 5: must divide hidden_size (32)"),
        ("unet-heads-negative", Ldm("unet_config:\n      params:\n        num_heads: -5"), "model.params.unet_config.params.num_heads = -5: must be a whole number between -1 and 1,024"),
        ("scale-factor-text", Ldm("scale_factor: big"), "model.params.scale_factor = 'big': must be a number"),
    ];

    /// <summary>diffusers config.json files (component, text, the key the refusal names).</summary>
    public static IReadOnlyList<(string Component, string Json, string Names)> DiffusersConfigs { get; } =
    [
        ("scheduler", """{"_class_name": "DDIMScheduler", "num_train_timesteps": 100000000}""", "num_train_timesteps = 100000000: must be between 2 and 10,000"),
        ("scheduler", """{"_class_name": "DDIMScheduler", "num_train_timesteps": "1000"}""", "Path: $.num_train_timesteps"),
        ("unet", """{"layers_per_block": 1000000}""", "layers_per_block = 1000000: must be between 1 and 16"),
        ("unet", """{"block_out_channels": [320, 640, 1280, 1280, 1280, 1280, 1280, 1280, 1280], "down_block_types": ["DownBlock2D","DownBlock2D","DownBlock2D","DownBlock2D","DownBlock2D","DownBlock2D","DownBlock2D","DownBlock2D","DownBlock2D"], "up_block_types": ["UpBlock2D","UpBlock2D","UpBlock2D","UpBlock2D","UpBlock2D","UpBlock2D","UpBlock2D","UpBlock2D","UpBlock2D"]}""", "len(block_out_channels) = 9: must be between 1 and 8"),
        ("unet", """{"attention_head_dim": "eight"}""", "attention_head_dim = \"eight\": must be a whole number or a list of them"),
        ("vae", """{"block_out_channels": [1000000], "norm_num_groups": 1}""", "block_out_channels[0] = 1000000: must be between 1 and 16,384"),
        ("text_encoder", """{"vocab_size": 1000000, "hidden_size": 16384, "num_attention_heads": 16}""", "vocab_size = 1000000: × hidden_size 16384 is more than 268,435,456 embedding values"),
        ("text_encoder", """{"num_hidden_layers": [1]}""", "Path: $.num_hidden_layers"),
    ];

    /// <summary>
    /// An LDM v1-inference-shaped YAML (with the head count the sd15-tiny fixture's UNet needs) whose model.params
    /// carry <paramref name="parameters"/>, indented under it; a key given twice takes its last value.
    /// </summary>
    public static string Ldm(string parameters) =>
        $"model:\n  target: ldm.models.diffusion.ddpm.LatentDiffusion\n  params:\n    unet_config:\n      params:\n        num_heads: 8\n    {parameters}\n";

    private static string TinyClip(string field) => Ldm(
        "cond_stage_config:\n      x_tiny_clip_text_config:\n        vocab_size: 49408\n        hidden_size: 32\n        intermediate_size: 37\n"
        + "        num_hidden_layers: 3\n        num_attention_heads: 4\n        max_position_embeddings: 77\n        " + field);
}
