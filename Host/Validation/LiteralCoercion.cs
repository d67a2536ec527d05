using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflow.Host.Engine;
using Workflow.Host.Graph;
using Workflow.Host.Registry;
using Workflow.NodeSdk;

namespace Workflow.Host.Validation;

/// <summary>
/// Turns a literal from the workflow into the value its parameter takes, and checks range and combo membership.
/// Conversions follow ComfyUI's (int(), float(), str()) where they are unambiguous: 512.0 is the INT 512 and "7" the INT 7,
/// but 3.5 is not an INT and "yes" is not a BOOLEAN. Numbers must be finite (1e400, "Infinity" and "NaN" mean no value a
/// widget can take) and strings no longer than the limit (<see cref="InputLimits.MaxStringLength"/>).
/// </summary>
internal sealed class LiteralCoercion(NodePaths paths, InputLimits limits)
{
    public CoercionResult Coerce(InputDefinition input, JsonElement value, bool checkRange)
    {
        var config = new LazyConfig(input, paths);
        return input.Constraints switch
        {
            IntConstraints c => CoerceInt(input, c, value, config, checkRange),
            FloatConstraints c => CoerceFloat(input, c, value, config, checkRange),
            StringConstraints => value.ValueKind switch
            {
                JsonValueKind.String => CoerceString(input, value, config),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => CoercionResult.Ok(value.GetRawText()),
                _ => Invalid(input, config, value, "expected a string"),
            },
            BooleanConstraints => CoerceBoolean(input, value, config),
            ComboConstraints c => CoerceCombo(input, c, value, config, checkRange),
            _ when input.SocketType == SocketTypes.Any => CoerceAny(input, value, config),
            _ => Invalid(input, config, value, $"{input.SocketType} inputs take a link, not a literal"),
        };
    }

    /// <summary>An any-type input takes a plain literal as the natural value: text, an integer (long), a number (double) or a boolean.</summary>
    private CoercionResult CoerceAny(InputDefinition input, JsonElement value, LazyConfig config) => value.ValueKind switch
    {
        JsonValueKind.String => CoerceString(input, value, config),
        JsonValueKind.Number when value.TryGetInt64(out var n) => CoercionResult.Ok(n),
        JsonValueKind.Number when double.IsFinite(value.GetDouble()) => CoercionResult.Ok(value.GetDouble()),
        JsonValueKind.Number => Invalid(input, config, value, NotFinite),
        JsonValueKind.True or JsonValueKind.False => CoercionResult.Ok(value.GetBoolean()),
        _ => Invalid(input, config, value, "only a string, number or boolean can be written in place of a link"),
    };

    private CoercionResult CoerceInt(InputDefinition input, IntConstraints c, JsonElement value, LazyConfig config, bool checkRange)
    {
        Int128? parsed = value.ValueKind switch
        {
            JsonValueKind.Number when Int128.TryParse(value.GetRawText(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
            JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e30 => (Int128)d,
            JsonValueKind.String when Int128.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
        if (parsed is not { } n)
            return Invalid(input, config, value, "not an integer");
        if (checkRange && n < c.Min)
            return CoercionResult.Fail(ValidationErrors.SmallerThanMin(input.Name, config.Value, value, c.Min.ToString(CultureInfo.InvariantCulture)));
        if (checkRange && n > c.Max)
            return CoercionResult.Fail(ValidationErrors.BiggerThanMax(input.Name, config.Value, value, c.Max.ToString(CultureInfo.InvariantCulture)));
        return ToParameterType(input, n, config, value);
    }

    /// <summary>Even unchecked by range, a value must fit the parameter's type.</summary>
    private static CoercionResult ToParameterType(InputDefinition input, Int128 n, LazyConfig config, JsonElement value)
    {
        if (input.ClrType == typeof(int) && n >= int.MinValue && n <= int.MaxValue) return CoercionResult.Ok((int)n);
        if (input.ClrType == typeof(long) && n >= long.MinValue && n <= long.MaxValue) return CoercionResult.Ok((long)n);
        if (input.ClrType == typeof(ulong) && n >= 0 && n <= ulong.MaxValue) return CoercionResult.Ok((ulong)n);
        return Invalid(input, config, value, $"does not fit in {input.ClrType.Name}");
    }

    private static CoercionResult CoerceFloat(InputDefinition input, FloatConstraints c, JsonElement value, LazyConfig config, bool checkRange)
    {
        double? parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
        if (parsed is not { } d)
            return Invalid(input, config, value, "not a number");
        if (!double.IsFinite(d))
            return Invalid(input, config, value, NotFinite);
        if (checkRange && d < c.Min)
            return CoercionResult.Fail(ValidationErrors.SmallerThanMin(input.Name, config.Value, value, c.Min.ToString(CultureInfo.InvariantCulture)));
        if (checkRange && d > c.Max)
            return CoercionResult.Fail(ValidationErrors.BiggerThanMax(input.Name, config.Value, value, c.Max.ToString(CultureInfo.InvariantCulture)));
        return CoercionResult.Ok(input.ClrType == typeof(float) ? (float)d : d);
    }

    private CoercionResult CoerceString(InputDefinition input, JsonElement value, LazyConfig config)
    {
        var text = value.GetString()!;
        return text.Length <= limits.MaxStringLength
            ? CoercionResult.Ok(text)
            : Invalid(input, config, value, $"a string of {Echo.Count(text.Length)} characters is longer than the limit of " +
                $"{Echo.Count(limits.MaxStringLength)} (--max-string-mb, {InputLimits.MaxStringVariable})");
    }

    private static CoercionResult CoerceBoolean(InputDefinition input, JsonElement value, LazyConfig config) => value.ValueKind switch
    {
        JsonValueKind.True => CoercionResult.Ok(true),
        JsonValueKind.False => CoercionResult.Ok(false),
        JsonValueKind.Number when value.TryGetDouble(out var d) && (d == 0 || d == 1) => CoercionResult.Ok(d == 1),
        JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => CoercionResult.Ok(b),
        _ => Invalid(input, config, value, "expected true or false"),
    };

    private CoercionResult CoerceCombo(InputDefinition input, ComboConstraints c, JsonElement value, LazyConfig config, bool checkRange)
    {
        if (value.ValueKind != JsonValueKind.String)
            return Invalid(input, config, value, "expected one of the options as a string");
        var text = value.GetString()!;
        if (c.EnumMembers is { } byName)
        {
            return byName.TryGetValue(text, out var member)
                ? CoercionResult.Ok(member)
                : CoercionResult.Fail(ValidationErrors.NotInList(input.Name, config.Value, text, byName.Keys.ToList()));
        }
        var options = c.Options(paths);
        if (checkRange && !options.Contains(text))
            return CoercionResult.Fail(ValidationErrors.NotInList(input.Name, config.Value, text, options));
        return CoercionResult.Ok(text);
    }

    private const string NotFinite = "not a finite number (infinity and NaN are not values a widget can take)";

    private static CoercionResult Invalid(InputDefinition input, LazyConfig config, JsonElement value, string reason) =>
        CoercionResult.Fail(ValidationErrors.InvalidInputType(input.Name, config.Value, input.SocketType, value, reason));

    /// <summary>The input's schema entry, which errors echo back; built only when an error needs it.</summary>
    private sealed class LazyConfig(InputDefinition input, NodePaths paths)
    {
        private JsonArray? _value;
        public JsonArray Value => _value ??= ObjectInfo.InputConfig(input, paths);
    }
}

/// <summary>The converted value, or the error that stops it.</summary>
internal readonly record struct CoercionResult(object? Value, ValidationError? Error)
{
    public static CoercionResult Ok(object? value) => new(value, null);
    public static CoercionResult Fail(ValidationError error) => new(null, error);
}
