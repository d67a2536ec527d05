using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Models.Clip;
using Workflow.Nodes.Diffusion.Models.T5;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading.Sd3;

/// <summary>
/// A text encoder file from models/clip/ (ComfyUI's text_encoders: clip_l.safetensors, clip_g.safetensors,
/// t5xxl_fp16.safetensors …), recognised by its keys, under any prefix: a CLIP text tower (text_model.*) or T5's
/// encoder (encoder.block.*). Its configuration is a same-stem .json beside it (transformers' config.json), else read
/// from the shapes. The file stays open until disposed.
/// </summary>
public sealed class TextEncoderFile : IDisposable
{
    private const string ClipKey = "text_model.embeddings.token_embedding.weight";
    private const string T5Key = "encoder.final_layer_norm.weight";

    private TextEncoderFile(string path, ITensorFile file, bool isT5, string prefix)
    {
        (Path, File, IsT5, Prefix) = (path, file, isT5, prefix);
        Width = IsT5 ? (int)file.Shape(prefix + (file.Contains(prefix + "shared.weight") ? "shared.weight" : "encoder.embed_tokens.weight"))[1] : (int)file.Shape(prefix + ClipKey)[1];
    }

    public string Path { get; }

    public ITensorFile File { get; }

    public bool IsT5 { get; }

    public string Prefix { get; }

    /// <summary>The hidden width: CLIP-L's is narrower than CLIP-G's (768 and 1280 in SD3), T5's is the joint width.</summary>
    public int Width { get; }

    public static TextEncoderFile Open(string path)
    {
        var file = TensorFile.Open(path);
        try
        {
            if (file.Keys.FirstOrDefault(k => k.EndsWith(ClipKey, StringComparison.Ordinal)) is { } clip)
                return new TextEncoderFile(path, file, isT5: false, clip[..^ClipKey.Length]);
            if (file.Keys.FirstOrDefault(k => k.EndsWith(T5Key, StringComparison.Ordinal)) is { } t5)
                return new TextEncoderFile(path, file, isT5: true, t5[..^T5Key.Length]);
            throw new InvalidDataException($"{path} is neither a CLIP text encoder ({ClipKey}) nor a T5 encoder ({T5Key})");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ProjectedClip LoadClip(bool clipG, string tokenizerFolder)
    {
        var config = SameStemJson() is { } json
            ? ClipTextConfig.FromJson(json, ConfigPath)
            : Sd3Configs.Clip(new CheckpointShapes(File, Prefix, Path), clipG);
        return Sd3TextEncoders.LoadClip(File, Prefix, config, tokenizerFolder);
    }

    public T5Text LoadT5(string tokenizerFolder)
    {
        var config = SameStemJson() is { } json ? T5Config.FromJson(json, ConfigPath) : Sd3Configs.T5(new CheckpointShapes(File, Prefix, Path));
        return Sd3TextEncoders.LoadT5(File, Prefix, config, tokenizerFolder);
    }

    /// <summary>transformers' config.json for this file: the same-stem .json beside it.</summary>
    public string ConfigPath => System.IO.Path.ChangeExtension(Path, ".json");

    /// <summary>The text of <see cref="ConfigPath"/>, or null where there is none.</summary>
    public string? SameStemJson() => System.IO.File.Exists(ConfigPath) ? RegularFile.ReadAllText(ConfigPath, DiffusersFolder.MaxConfigBytes) : null;

    public void Dispose() => File.Dispose();
}
