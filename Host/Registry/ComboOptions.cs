using System.Reflection;
using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>Where a combo's options come from: a fixed list, an enum, a model folder, the input folder, or a provider.</summary>
internal static class ComboOptions
{
    /// <summary>Paths that name no folder, for checks made before any folder is configured.</summary>
    public static readonly NodePaths NoPaths = new("", "", "", "");

    public static ComboConstraints For(ComboAttribute combo)
    {
        if (combo.ModelFolder is { } folder)
            return new ComboConstraints(paths => FileListing.ModelFiles(paths, folder), false, null);
        if (combo.InputFiles)
            return new ComboConstraints(paths => FileListing.Files(paths.Input), ImageUpload: true, null);
        if (combo.OptionsProvider is { } providerType)
        {
            var provider = (IComboOptions)Activator.CreateInstance(providerType)!;
            return new ComboConstraints(provider.GetOptions, false, null);
        }
        var options = combo.Options;
        return new ComboConstraints(_ => options, false, null);
    }

    /// <summary>An enum's members by wire name, read once here: validation looks a value up for every node.</summary>
    public static ComboConstraints ForEnum(Type enumType)
    {
        var members = EnumWireNames(enumType);
        var names = members.Keys.ToArray();
        return new ComboConstraints(_ => names, false, members);
    }

    /// <summary>Wire name → enum value; [WireName] on a member overrides snake_case of its name.</summary>
    public static IReadOnlyDictionary<string, object> EnumWireNames(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(
            f => f.GetCustomAttribute<WireNameAttribute>()?.Name ?? WireNames.ToSnakeCase(f.Name),
            f => f.GetValue(null)!);
}

/// <summary>Lists files the way combos show them: relative paths with '/' separators, sorted, hidden files skipped.</summary>
public static class FileListing
{
    /// <summary>ComfyUI's folder_paths.supported_pt_extensions.</summary>
    private static readonly string[] ModelExtensions = [".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft"];

    public static IReadOnlyList<string> Files(string folder)
    {
        if (folder.Length == 0 || !Directory.Exists(folder))
            return [];
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.Split('/').Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>ComfyUI's extensions for models/configs/ (LDM's original configs).</summary>
    private static readonly string[] ConfigExtensions = [".yaml"];

    /// <summary>Model files by extension, plus folders in diffusers layout (a model_index.json inside).</summary>
    public static IReadOnlyList<string> ModelFiles(string folder, string modelsRoot) => Listed(folder, modelsRoot, ModelExtensions, withDiffusersFolders: true);

    /// <summary>
    /// A kind's files as ComfyUI's get_filename_list lists them: every folder of the kind (<see cref="NodePaths.ModelFolders"/>)
    /// merged and sorted; models/configs/ lists .yaml files.
    /// </summary>
    public static IReadOnlyList<string> ModelFiles(NodePaths paths, string kind) =>
        paths.ModelFolders(kind)
            .SelectMany(folder => kind == "configs" ? Listed(folder, paths.Models, ConfigExtensions, withDiffusersFolders: false) : ModelFiles(folder, paths.Models))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    private static IReadOnlyList<string> Listed(string folder, string modelsRoot, string[] extensions, bool withDiffusersFolders)
    {
        if (modelsRoot.Length == 0 || !Directory.Exists(folder))
            return [];
        var files = Files(folder).Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase));
        var diffusersFolders = !withDiffusersFolders ? [] : Directory.EnumerateFiles(folder, "model_index.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, Path.GetDirectoryName(f)!).Replace(Path.DirectorySeparatorChar, '/'));
        return files.Concat(diffusersFolders).Order(StringComparer.Ordinal).ToList();
    }
}
