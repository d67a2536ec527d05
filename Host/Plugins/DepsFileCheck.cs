using System.Text.Json;

namespace Workflow.Host.Plugins;

/// <summary>
/// Checks a plugin's .deps.json against the shape the runtime's dependency resolver expects. The resolver is native
/// code (hostpolicy) that aborts the whole process on a wrong shape — <c>{}</c>, or a number where an object belongs —
/// so a damaged plugin folder would take the host down. Returns why the file is unusable, or null when it is fine.
/// </summary>
public static class DepsFileCheck
{
    private static readonly string[] AssetGroups = ["runtime", "native", "resources", "runtimeTargets", "compile"];

    public static string? Problem(string depsPath)
    {
        if (!File.Exists(depsPath))
            return null;   // the resolver then takes the plugin folder as is
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(depsPath));
            return RootProblem(document.RootElement);
        }
        catch (JsonException ex)
        {
            return $"not valid JSON: {ex.Message.Split(" LineNumber:")[0]}";
        }
    }

    private static string? RootProblem(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return "the root is not an object";
        if (!root.TryGetProperty("runtimeTarget", out var target) || target.ValueKind != JsonValueKind.Object
            || !target.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            return "runtimeTarget.name is missing or not a string";
        if (target.TryGetProperty("signature", out var signature) && signature.ValueKind != JsonValueKind.String)
            return "runtimeTarget.signature is not a string";
        return TargetsProblem(root) ?? LibrariesProblem(root);
    }

    private static string? TargetsProblem(JsonElement root)
    {
        if (!root.TryGetProperty("targets", out var targets))
            return null;
        if (targets.ValueKind != JsonValueKind.Object)
            return "targets is not an object";
        foreach (var framework in targets.EnumerateObject())
        {
            if (framework.Value.ValueKind != JsonValueKind.Object)
                continue;   // the resolver skips a target that is not an object
            foreach (var library in framework.Value.EnumerateObject())
                if (LibraryAssetsProblem(library.Value) is { } problem)
                    return $"targets.{framework.Name}.{library.Name}: {problem}";
        }
        return null;
    }

    private static string? LibraryAssetsProblem(JsonElement library)
    {
        if (library.ValueKind != JsonValueKind.Object)
            return "not an object";
        foreach (var group in AssetGroups)
        {
            if (!library.TryGetProperty(group, out var assets))
                continue;
            if (assets.ValueKind != JsonValueKind.Object)
                return $"{group} is not an object";
            foreach (var asset in assets.EnumerateObject())
                if (!IsObjectOfStrings(asset.Value))
                    return $"{group}.{asset.Name} is not an object of strings";
        }
        return library.TryGetProperty("dependencies", out var dependencies) && !IsObjectOfStrings(dependencies)
            ? "dependencies is not an object of strings"
            : null;
    }

    private static string? LibrariesProblem(JsonElement root)
    {
        if (!root.TryGetProperty("libraries", out var libraries))
            return null;
        if (libraries.ValueKind != JsonValueKind.Object)
            return "libraries is not an object";
        foreach (var library in libraries.EnumerateObject())
            if (library.Value.ValueKind == JsonValueKind.Object
                && library.Value.EnumerateObject().Any(p => p.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.True or JsonValueKind.False)))
                return $"libraries.{library.Name} has a value that is not a string or boolean";
        return null;
    }

    private static bool IsObjectOfStrings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String);
}
