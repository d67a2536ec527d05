using Workflow.Nodes.Diffusion.Loading.Sd3;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Picks the reader for a checkpoint path: a diffusers folder or a single file, SD1.x or SD3 by what it holds. A single
/// file looks for its CLIP-L tokenizer in <paramref name="tokenizerFolders"/> (models/tokenizers/clip_l); SD3's CLIP-G
/// and T5 tokenizers are looked for in clip_g/ and t5/ beside each of them.
/// </summary>
public static class CheckpointLoader
{
    public static LoadedCheckpoint Load(string path, IReadOnlyList<string> tokenizerFolders)
    {
        if (Directory.Exists(path))
            return !DiffusersFolder.IsDiffusersFolder(path) ? throw new InvalidDataException($"{path} is a folder without model_index.json: not a diffusers pipeline.")
                : Sd3DiffusersCheckpoint.IsSd3(path) ? Sd3DiffusersCheckpoint.Load(path)
                : DiffusersCheckpoint.Load(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No checkpoint at {path}.", path);
        if (IsSd3File(path))
            return Sd3SingleFileCheckpoint.Load(path, Sd3Tokenizers(tokenizerFolders), Sd3SingleFileCheckpoint.ConfigFolderBeside(path));
        return SingleFileCheckpoint.Load(path, tokenizerFolders);
    }

    private static bool IsSd3File(string path)
    {
        using var file = TensorFile.Open(path);
        return Sd3SingleFileCheckpoint.IsSd3(file);
    }

    private static Sd3TokenizerFolders Sd3Tokenizers(IReadOnlyList<string> clipL)
    {
        string Beside(string folder, string name) => Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder)) ?? "", name);
        return new Sd3TokenizerFolders(clipL, [.. clipL.Select(f => Beside(f, "clip_g"))], [.. clipL.Select(f => Beside(f, "t5"))]);
    }
}
