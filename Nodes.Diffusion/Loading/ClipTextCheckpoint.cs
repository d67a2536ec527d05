using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading.Sd3;
using Workflow.Nodes.Diffusion.Models.Clip;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// SD1.x's text encoder on its own, as ComfyUI's CLIPLoader (type stable_diffusion) reads it from models/text_encoders/:
/// a CLIP-L text tower under any prefix (clip_l.safetensors, a transformers text_encoder's model.safetensors or
/// pytorch_model.bin), recognised as <see cref="TextEncoderFile"/> does. Configured from transformers' config.json
/// beside it (same stem), else from the shapes as a single file's CLIP; loaded and tokenized as a single file's.
/// </summary>
public static class ClipTextCheckpoint
{
    public static ClipModel Load(string path, IReadOnlyList<string> tokenizerFolders)
    {
        using var file = TextEncoderFile.Open(path);
        if (file.IsT5)
            throw new InvalidDataException($"{path} is a T5 encoder; SD1.x conditions on a CLIP text encoder (CLIP-L)");
        var source = SingleFileCheckpoint.ClipSource(file.File, file.Prefix);
        var config = file.SameStemJson() is { } json
            ? ClipTextConfig.FromJson(json, file.ConfigPath)
            : LdmConfigs.Clip(new CheckpointShapes(source, "", path), yaml: null);
        var tokenizer = SingleFileCheckpoint.Tokenizer(path, tokenizerFolders);
        return new ClipModel(SingleFileCheckpoint.LoadClip(source, config), tokenizer);
    }
}
