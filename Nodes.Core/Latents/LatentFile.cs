namespace Workflow.Nodes.Core.Latents;

/// <summary>ComfyUI's .latent file (nodes.py SaveLatent / LoadLatent): safetensors with these tensor names.</summary>
internal static class LatentFile
{
    public const string Extension = "latent";

    /// <summary>The latents, as the VAE gives them.</summary>
    public const string TensorKey = "latent_tensor";

    /// <summary>An empty tensor marking the current format; files without it hold latents scaled by SD1's 0.18215.</summary>
    public const string FormatVersionKey = "latent_format_version_0";

    /// <summary>The scale of latents in files older than the format marker.</summary>
    public const double LegacyScale = 0.18215;
}
