using System.Text.Json;
using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// A VAE on its own, as ComfyUI's models/vae/ holds them, recognised by content: a diffusers folder (config.json's
/// _class_name AutoencoderKL or AutoencoderKLLTX2Video, or a pipeline folder's vae/), an LTX-2 video VAE file in
/// diffusers' names (<see cref="Ltx2VaeCheckpoint"/>), or a Stable Diffusion VAE file in the original names
/// (encoder.down.N.block.M…, as vae-ft-mse-840000-ema-pruned.safetensors), configured from its shapes.
/// </summary>
public static class VaeCheckpoint
{
    public static VaeModel Load(string path)
    {
        if (Directory.Exists(path))
            return LoadFolder(DiffusersFolder.IsDiffusersFolder(path) ? Path.Combine(path, "vae") : path);
        using var file = TensorFile.Open(path);
        if (Ltx2VaeCheckpoint.Holds(file))
            return new VideoVae(Ltx2VaeCheckpoint.Load(path));
        if (file.Keys.Any(k => k.StartsWith("encoder.down.", StringComparison.Ordinal)))
            return new ImageVae(SingleFileCheckpoint.LoadVae(file, "", yaml: null));
        // A diffusers folder's weights file, chosen in the combo that lists files: its config.json sits beside it.
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && File.Exists(Path.Combine(folder, "config.json")))
            return LoadFolder(folder);
        var found = file.Keys.Select(k => string.Join('.', k.Split('.').Take(2))).Distinct().Order().Take(8);
        throw new InvalidDataException(
            $"{path} is neither an LTX-2 video VAE in diffusers' names ({Ltx2VaeCheckpoint.MarkerKey}) nor a Stable Diffusion VAE in the " +
            $"original names (encoder.down.N…); found {string.Join(", ", found)}…. A VAE in diffusers' names needs its folder, with config.json.");
    }

    private static VaeModel LoadFolder(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"{folder} has no config.json, so it is not a diffusers VAE folder.", configPath);
        return ClassName(configPath) switch
        {
            "AutoencoderKLLTX2Video" => new VideoVae(Ltx2VaeCheckpoint.Load(folder)),
            "AutoencoderKL" => new ImageVae(new DiffusersFolder(Path.GetDirectoryName(Path.GetFullPath(folder))!).LoadVae(Path.GetFileName(Path.GetFullPath(folder)))),
            var name => throw new NotSupportedException($"{configPath}: a {name ?? "model without _class_name"} is not a VAE this host runs (AutoencoderKL, AutoencoderKLLTX2Video)."),
        };
    }

    /// <summary>config.json's _class_name, which diffusers writes into every model config.</summary>
    private static string? ClassName(string configPath)
    {
        try
        {
            using var config = JsonDocument.Parse(RegularFile.ReadAllText(configPath, DiffusersFolder.MaxConfigBytes));
            return config.RootElement.ValueKind == JsonValueKind.Object && config.RootElement.TryGetProperty("_class_name", out var name)
                && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{configPath}: {ex.Message}");
        }
    }
}
