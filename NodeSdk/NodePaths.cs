namespace Workflow.NodeSdk;

/// <summary>Folders a node reads from and writes to, as ComfyUI's models/, input/, output/ and temp/.</summary>
public sealed record NodePaths(string Models, string Input, string Output, string Temp)
{
    /// <summary>A folder of model files by kind ("checkpoints", "vae", "loras", ...).</summary>
    public string ModelFolder(string kind) => Path.Combine(Models, kind);

    /// <summary>
    /// The folders a kind of model is found in, in lookup order, as ComfyUI's folder_paths has them: text encoders in
    /// models/text_encoders/ and the older models/clip/, diffusion models in models/unet/ and models/diffusion_models/
    /// (either name of a pair means both); every other kind is its one folder.
    /// </summary>
    public IReadOnlyList<string> ModelFolders(string kind) => kind switch
    {
        "text_encoders" or "clip" => [ModelFolder("text_encoders"), ModelFolder("clip")],
        "diffusion_models" or "unet" => [ModelFolder("unet"), ModelFolder("diffusion_models")],
        _ => [ModelFolder(kind)],
    };

    /// <summary>The full path of a file named relative to a root, refusing names that escape it.</summary>
    public static string ResolveInside(string root, string relativeName)
    {
        var rootFull = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(rootFull, relativeName));
        var rootWithSep = rootFull.EndsWith(Path.DirectorySeparatorChar) ? rootFull : rootFull + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSep, StringComparison.Ordinal))
            throw new ArgumentException($"'{relativeName}' is outside '{root}'.", nameof(relativeName));
        return full;
    }
}
