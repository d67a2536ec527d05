using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Picks the reader for a checkpoint path: a diffusers folder, or a single file — a multi-view (MVDream / ImageDream)
/// one recognised by its keys, else SD1.x (both look for their tokenizer in <paramref name="tokenizerFolders"/>).
/// </summary>
public static class CheckpointLoader
{
    public static LoadedCheckpoint Load(string path, IReadOnlyList<string> tokenizerFolders)
    {
        if (Directory.Exists(path))
            return DiffusersFolder.IsDiffusersFolder(path)
                ? DiffusersCheckpoint.Load(path)
                : throw new InvalidDataException($"{path} is a folder without model_index.json: not a diffusers pipeline.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"No checkpoint at {path}.", path);
        using var file = TensorFile.Open(path);
        return MultiViewCheckpoint.Recognises(file) ? MultiViewCheckpoint.Load(file, tokenizerFolders) : SingleFileCheckpoint.Load(file, tokenizerFolders);
    }
}
