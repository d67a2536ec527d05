using Workflow.Nodes.Diffusion.Models;
using Workflow.Nodes.Diffusion.Models.Ltx2Vae;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Loads LTX-2's video VAE (AutoencoderKLLTX2Video) in diffusers' layout: a folder as save_pretrained writes it
/// (config.json and diffusion_pytorch_model.safetensors, or .bin), a pipeline folder holding it as vae/, or one weights
/// file in diffusers' key names. A single file takes its configuration from a same-stem .json or a config.json beside
/// it, else from the tensor shapes (<see cref="ConfigFromShapes"/>). Keys are checked strictly both ways.
/// </summary>
public static class Ltx2VaeCheckpoint
{
    /// <summary>A key only this VAE has: its convolutions sit one level down, as conv.weight, and are 3-D.</summary>
    public const string MarkerKey = "encoder.conv_in.conv.weight";

    public static AutoencoderKLLTX2Video Load(string path)
    {
        if (Directory.Exists(path))
            return LoadFolder(DiffusersFolder.IsDiffusersFolder(path) ? Path.Combine(path, "vae") : path);
        using var file = TensorFile.Open(path);
        var configPath = new[] { Path.ChangeExtension(path, ".json"), Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "config.json") }
            .FirstOrDefault(File.Exists);
        var config = configPath is null ? ConfigFromShapes(file, path) : ReadConfig(configPath);
        return ModuleLoading.LoadInto(new AutoencoderKLLTX2Video(config), file);
    }

    /// <summary>True where <paramref name="source"/> holds this VAE's weights in diffusers' names.</summary>
    public static bool Holds(ITensorSource source) => source.TryGetShape(MarkerKey, out var shape) && shape.Length == 5;

    private static AutoencoderKLLTX2Video LoadFolder(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"{folder} has no config.json, so it is not a diffusers model folder.", configPath);
        var weightsPath = new[] { "diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{folder} has no diffusion_pytorch_model.safetensors (or .bin).", Path.Combine(folder, "diffusion_pytorch_model.safetensors"));
        using var file = TensorFile.Open(weightsPath);
        return ModuleLoading.LoadInto(new AutoencoderKLLTX2Video(ReadConfig(configPath)), file);
    }

    private static AutoencoderKLLTX2VideoConfig ReadConfig(string path) =>
        AutoencoderKLLTX2VideoConfig.FromJson(RegularFile.ReadAllText(path, DiffusersFolder.MaxConfigBytes), path);

    /// <summary>
    /// The configuration the weights imply: widths, depths, latent channels, patch size, timestep conditioning, and each
    /// block's kind from its resampler's channel ratio (2 temporal, 4 spatial, 8 spatiotemporal); RGB in and out. What
    /// no weight shows is LTX-2.0's (<see cref="AutoencoderKLLTX2VideoConfig.Ltx2"/>): causal encoder, non-causal
    /// reflect-padded decoder, residual upsamplers, scaling_factor 1; the compression follows from the block kinds.
    /// </summary>
    public static AutoencoderKLLTX2VideoConfig ConfigFromShapes(ITensorSource source, string path)
    {
        var shapes = new CheckpointShapes(source, "", path);
        if (!Holds(source))
            throw new InvalidDataException($"{path} is not an LTX-2 video VAE in diffusers' names: it has no 5-D {MarkerKey}.");
        int levels = shapes.Count("encoder.down_blocks."), decoderLevels = shapes.Count("decoder.up_blocks.");
        new ConfigCheck(path).Range("VAE levels (encoder.down_blocks.N)", levels, 1, ConfigCheck.MaxLevels);
        new ConfigCheck(path).Range("VAE levels (decoder.up_blocks.N)", decoderLevels, 1, ConfigCheck.MaxLevels);
        int latentChannels = (int)shapes.Shape("decoder.conv_in.conv.weight")[1];
        int patchSize = (int)Math.Round(Math.Sqrt(shapes.Shape(MarkerKey)[1] / 3.0));
        var down = Enumerable.Range(0, levels).Select(i => DownBlock(shapes, i, levels)).ToArray();
        var up = Enumerable.Range(0, decoderLevels).Select(i => UpBlock(shapes, i)).ToArray();
        return AutoencoderKLLTX2VideoConfig.Ltx2 with
        {
            LatentChannels = latentChannels,
            PatchSize = patchSize,
            BlockOutChannels = [.. down.Select(b => b.Width)],
            DownBlockTypes = [.. Enumerable.Repeat("LTX2VideoDownBlock3D", levels)],
            DownsampleTypeNames = [.. down.Select(b => b.Kind.Name)],
            LayersPerBlock = [.. down.Select(b => b.Layers), shapes.Count("encoder.mid_block.resnets.")],
            // The decoder lists its blocks from the output side: up_blocks.0 is the last entry.
            DecoderBlockOutChannels = [.. up.Reverse().Select(b => b.Width)],
            UpsampleFactor = [.. up.Reverse().Select(b => b.Factor)],
            UpsampleTypeNames = [.. up.Select(b => b.Kind.Name)],
            DecoderLayersPerBlock = [.. up.Reverse().Select(b => b.Layers), shapes.Count("decoder.mid_block.resnets.")],
            TimestepConditioning = shapes.Has("decoder.timestep_scale_multiplier"),
            SpatialCompressionRatioValue = patchSize << down.Count(b => b.Kind.Spatial),
            TemporalCompressionRatioValue = 1 << down.Count(b => b.Kind.Temporal),
        };
    }

    /// <summary>Down block i: its width is the next stage's (the next block's resnets, or the mid block's); its kind, width / downsampler conv outputs.</summary>
    private static (int Width, int Layers, BlockKind Kind) DownBlock(CheckpointShapes shapes, int i, int levels)
    {
        var next = i + 1 < levels ? $"encoder.down_blocks.{i + 1}.resnets.0" : "encoder.mid_block.resnets.0";
        int width = (int)shapes.Shape($"{next}.conv1.conv.weight")[1];
        int convOut = (int)shapes.Shape($"encoder.down_blocks.{i}.downsamplers.0.conv.conv.weight")[0];
        return (width, shapes.Count($"encoder.down_blocks.{i}.resnets."), BlockKind.Of(width / convOut, shapes.FilePath, $"encoder.down_blocks.{i}"));
    }

    /// <summary>Up block i: resnets of C channels after an upsampler conv [C·volume, C·factor]; the listed width is C·factor.</summary>
    private static (int Width, int Factor, int Layers, BlockKind Kind) UpBlock(CheckpointShapes shapes, int i)
    {
        var conv = shapes.Shape($"decoder.up_blocks.{i}.upsamplers.0.conv.conv.weight");
        int channels = (int)shapes.Shape($"decoder.up_blocks.{i}.resnets.0.conv1.conv.weight")[0];
        int factor = (int)conv[1] / channels;
        return (channels * factor, factor, shapes.Count($"decoder.up_blocks.{i}.resnets."), BlockKind.Of((int)conv[0] / channels, shapes.FilePath, $"decoder.up_blocks.{i}"));
    }

    /// <summary>A resampling block's kind by how many cells it packs into channels.</summary>
    private sealed record BlockKind(string Name, bool Spatial, bool Temporal)
    {
        public static BlockKind Of(int volume, string path, string block) => volume switch
        {
            2 => new("temporal", false, true),
            4 => new("spatial", true, false),
            8 => new("spatiotemporal", true, true),
            _ => throw new InvalidDataException($"{path}: {block} packs {volume} cells into channels, which is no LTX-2 resampler (2, 4 or 8)."),
        };
    }
}
