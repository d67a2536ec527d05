using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// The layout of models/tokenizers/: a folder per text encoder, named as ComfyUI names the encoders. clip_l holds
/// CLIP's vocab.json and merges.txt (SD1.x's tokenizer, and SD3's CLIP-L); clip_g and t5 hold SD3's other two (the
/// tokenizer, tokenizer_2 and tokenizer_3 folders of an SD3 diffusers download).
/// </summary>
public static class TokenizerFolders
{
    public const string ClipLName = "clip_l";
    public const string ClipGName = "clip_g";
    public const string T5Name = "t5";

    /// <summary>models/tokenizers/.</summary>
    public static string Root(NodePaths paths) => paths.ModelFolder("tokenizers");

    /// <summary>models/tokenizers/clip_l/, where a loader finds CLIP's tokenizer when the checkpoint brings none.</summary>
    public static string ClipL(NodePaths paths) => Path.Combine(Root(paths), ClipLName);
}
