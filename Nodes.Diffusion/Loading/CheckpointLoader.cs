using Workflow.Nodes.Diffusion.Loading.Sd3;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>
/// Picks the reader for a checkpoint path: a diffusers folder, or a single file by what it holds — SD3, a multi-view
/// (MVDream / ImageDream) one, else SD1.x. A single file looks for its CLIP-L tokenizer in
/// <paramref name="tokenizerFolders"/> (models/tokenizers/clip_l), else takes the bundled vocabulary; SD3's CLIP-G and T5 tokenizers are looked for in
/// clip_g/ and t5/ beside each of them.
/// </summary>
public static class CheckpointLoader
{
    /// <param name="config">
    /// An original config to read instead of the same-stem .yaml (CheckpointLoader's config_name): for SD1.x/SD2.x
    /// single files, the one kind it describes; the others are refused with it.
    /// </param>
    public static LoadedCheckpoint Load(string path, IReadOnlyList<string> tokenizerFolders, YamlValues? config = null)
    {
        if (Directory.Exists(path))
            return config is not null ? throw NotConfigurable(path, "a diffusers folder, configured by its own config files")
                : !DiffusersFolder.IsDiffusersFolder(path) ? throw new InvalidDataException($"{path} is a folder without model_index.json: not a diffusers pipeline.")
                : Sd3DiffusersCheckpoint.IsSd3(path) ? Sd3DiffusersCheckpoint.Load(path)
                : DiffusersCheckpoint.Load(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No checkpoint at {path}.", path);
        using var file = TensorFile.Open(path);
        if (Sd3SingleFileCheckpoint.IsSd3(file))
            return config is not null ? throw NotConfigurable(path, "an SD3 single file, configured from its shapes")
                : Sd3SingleFileCheckpoint.Load(file, Sd3Tokenizers(tokenizerFolders), Sd3SingleFileCheckpoint.ConfigFolderBeside(path));
        if (MultiViewCheckpoint.Recognises(file))
            return config is not null ? throw NotConfigurable(path, "a multi-view checkpoint, configured by its same-stem .yaml") : MultiViewCheckpoint.Load(file, tokenizerFolders);
        return SingleFileCheckpoint.Load(file, tokenizerFolders, config);
    }

    private static NotSupportedException NotConfigurable(string path, string what) =>
        new($"{path} is {what}; an original config (v1-inference.yaml and its kind) describes SD1.x and SD2.x single files: load it with CheckpointLoaderSimple");

    private static Sd3TokenizerFolders Sd3Tokenizers(IReadOnlyList<string> clipL)
    {
        string Beside(string folder, string name) => Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder)) ?? "", name);
        return new Sd3TokenizerFolders(clipL, [.. clipL.Select(f => Beside(f, TokenizerFolders.ClipGName))], [.. clipL.Select(f => Beside(f, TokenizerFolders.T5Name))]);
    }
}
