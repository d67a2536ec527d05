using System.Text.Json.Nodes;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Testing;

/// <summary>
/// The tensors of one fixture file, with the comparison and tolerance its manifest gives each of them
/// (<c>manifest.json → tensors → &lt;file&gt; → &lt;name&gt;</c>, or, in a manifest of sections,
/// <c>sections → * → tensors → "&lt;file&gt;:&lt;name&gt;"</c>). Tolerances are never typed into tests.
/// </summary>
public sealed class GoldenTensors : IDisposable
{
    private readonly SafeTensorsFile _file;
    private readonly JsonObject _entries;
    private readonly string _label;

    private GoldenTensors(string fixture, string relativeFile)
    {
        _label = $"{fixture}/{relativeFile}";
        _file = SafeTensorsFile.Open(Golden.File(fixture, relativeFile));
        var manifest = Golden.Json(fixture, "manifest.json");
        _entries = manifest["tensors"]?[relativeFile] as JsonObject ?? SectionEntries(manifest, relativeFile)
            ?? throw new InvalidDataException($"{fixture}/manifest.json lists no tensors for {relativeFile}");
    }

    /// <summary>The entries "file:name" of every section, by name.</summary>
    private static JsonObject? SectionEntries(JsonNode manifest, string relativeFile)
    {
        var entries = (manifest["sections"] as JsonObject ?? [])
            .SelectMany(section => section.Value?["tensors"] as JsonObject ?? [])
            .Where(e => e.Key.StartsWith(relativeFile + ":", StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, JsonNode?>(e.Key[(relativeFile.Length + 1)..], e.Value!.DeepClone()))
            .ToList();
        return entries.Count == 0 ? null : new JsonObject(entries);
    }

    public static GoldenTensors Open(string fixture, string relativeFile) => new(fixture, relativeFile);

    public Tensor Load(string name) => _file.Load(name);

    public bool Contains(string name) => _file.Contains(name);

    /// <summary>The names the manifest lists for this file, in its order.</summary>
    public IEnumerable<string> Names => _entries.Select(e => e.Key);

    /// <summary>The manifest's allowed max |actual − expected| for <paramref name="name"/> (0 for exact entries and for inputs).</summary>
    public double Tolerance(string name)
    {
        var entry = Entry(name);
        // An input a test recreates (a decoded picture, a drawn noise) must come out as recorded.
        return (string?)entry["comparison"] is "exact" or "input" ? 0 : (double)(entry["tolerance_max_abs_diff"]
            ?? throw new InvalidDataException($"{_label}: {name} has no tolerance_max_abs_diff"));
    }

    /// <summary>
    /// Asserts <paramref name="actual"/> equals the golden tensor within the manifest's tolerance, naming where it differs most.
    /// 'exact' entries must be equal, except for floating-point cancellation residues (<see cref="CancellationResidue"/>).
    /// </summary>
    public void AssertMatches(string name, Tensor actual) => AssertPartMatches(name, actual, whole => whole);

    /// <summary>As <see cref="AssertMatches(string, Tensor)"/>, within <paramref name="tolerance"/> instead of the manifest's (a run at another precision).</summary>
    public void AssertMatches(string name, Tensor actual, double tolerance) => AssertPartMatches(name, actual, whole => whole, tolerance);

    /// <summary>
    /// As <see cref="AssertMatches"/>, for the part of the golden tensor <paramref name="part"/> selects (the views of a
    /// multi-view batch without its reference slot, say), under the whole tensor's tolerance.
    /// </summary>
    public void AssertPartMatches(string name, Tensor actual, Func<Tensor, Tensor> part) => AssertPartMatches(name, actual, part, Tolerance(name));

    private void AssertPartMatches(string name, Tensor actual, Func<Tensor, Tensor> part, double tolerance)
    {
        using var scope = torch.NewDisposeScope();
        var expectedTensor = part(Load(name));
        Assert.True(expectedTensor.shape.SequenceEqual(actual.shape),
            $"{_label}: {name} has shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expectedTensor.shape)}]");
        var expected = expectedTensor.to(torch.float64).ToArray<double>();
        var got = actual.to(torch.float64, Device.CPU).ToArray<double>();
        if (expected.Length == 0)
            return;
        var residue = tolerance == 0 && expectedTensor.dtype.IsFloatingPoint() ? CancellationResidue.Bound(expected.Max(Math.Abs)) : 0;
        var (worst, at) = (0.0, 0);
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(got[i] - expected[i]);
            if (double.IsNaN(difference) && !(double.IsNaN(got[i]) && double.IsNaN(expected[i])))
                difference = double.PositiveInfinity;
            else if (double.IsNaN(difference) || CancellationResidue.Both(expected[i], got[i], residue))
                difference = 0;
            if (difference > worst)
                (worst, at) = (difference, i);
        }
        Assert.True(worst <= tolerance,
            $"{_label}: {name} [{string.Join(", ", actual.shape)}] {actual.dtype}: max |diff| {worst:G4} at flat index {at} " +
            $"(expected {expected[at]:G9}, got {got[at]:G9}), tolerance {tolerance:G4}" +
            (residue > 0 ? $" (values within {residue:G3} of zero count as zero)" : ""));
    }

    /// <summary>
    /// Asserts that every golden tensor named <paramref name="prefix"/>+x was produced as <paramref name="produced"/>[x] and
    /// matches; intermediates the fixture does not record are not compared.
    /// </summary>
    public void AssertAllRecorded(string prefix, IReadOnlyDictionary<string, Tensor> produced)
    {
        var recorded = Names.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.True(recorded.Count > 0, $"{_label}: no golden tensors named {prefix}*");
        foreach (var key in recorded)
        {
            Assert.True(produced.TryGetValue(key[prefix.Length..], out var tensor), $"{_label}: {key} is recorded but was not produced");
            AssertMatches(key, tensor!);
        }
    }

    private JsonObject Entry(string name) =>
        _entries[name] as JsonObject ?? throw new InvalidDataException($"{_label}: the manifest has no entry for {name}");

    public void Dispose() => _file.Dispose();
}
