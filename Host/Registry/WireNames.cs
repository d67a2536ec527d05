using System.Text;

namespace Workflow.Host.Registry;

/// <summary>
/// The one rule that turns C# names into ComfyUI's wire names: camelCase and PascalCase become snake_case
/// (batchSize → batch_size, IPAdapterWeight → ip_adapter_weight); [Input(Name=...)] overrides it.
/// </summary>
public static class WireNames
{
    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 && StartsNewWord(name, i))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>UPPER_SNAKE_CASE, as ComfyUI's output names ("MODEL", "LATENT_A").</summary>
    public static string ToUpperSnakeCase(string name) => ToSnakeCase(name).ToUpperInvariant();

    private static bool StartsNewWord(string name, int i)
    {
        char previous = name[i - 1];
        if (char.IsLower(previous) || char.IsDigit(previous))
            return true;
        // The last capital of an acronym starts a word when a lower-case letter follows: "IPAdapter" → "ip_adapter".
        return char.IsUpper(previous) && i + 1 < name.Length && char.IsLower(name[i + 1]);
    }
}
