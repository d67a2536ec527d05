using System.Globalization;
using Workflow.Nodes.Diffusion.Models.Ltx2;
using Workflow.Torch;
using Workflow.Torch.IO;

namespace Workflow.Nodes.Diffusion.Refining;

/// <summary>A saved refiner state that must not be used: another run's, or damaged. The message says which and why.</summary>
public sealed class RefinerStateRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A refiner run's state in a folder, saved after every finished block so a run that dies resumes after its last
/// finished block (SANA-WM's block-level checkpoint, notes §7, made safe): one safetensors file, written beside its
/// final name, synced and renamed (never half there); its metadata holds the run's <see cref="RefinerFingerprint"/>,
/// the block and history counts, and a SHA-256 over everything else in the file. A state whose fingerprint differs,
/// or that is truncated, damaged or not a state file at all, is refused, never loaded.
/// </summary>
public sealed class RefinerCheckpoint(string folder)
{
    public const string FileName = "state.safetensors";
    private const string Format = "workflow.arrefine.state/1";
    private const string ChecksumKey = "content_sha256";
    private const string FingerprintPrefix = "fingerprint.";

    public string Folder => folder;

    public string FilePath => Path.Combine(folder, FileName);

    /// <summary>Writes <paramref name="state"/> for the run <paramref name="fingerprint"/> names, replacing the last one atomically.</summary>
    public void Save(RefinerState state, RefinerFingerprint fingerprint)
    {
        using var scope = torch.NewDisposeScope();
        Directory.CreateDirectory(folder);
        var tensors = Tensors(state);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["blocks_done"] = Text(state.BlocksDone),
            ["history_frames"] = Text(state.HistoryFrames),
            ["layers"] = Text(state.Sink.Count),
        };
        foreach (var (field, value) in fingerprint.Fields)
            metadata[FingerprintPrefix + field] = value;
        metadata[ChecksumKey] = Checksum(metadata, tensors);
        SafeTensors.Save(FilePath, tensors, metadata, durable: true);
    }

    /// <summary>
    /// The saved state of the run <paramref name="fingerprint"/> names, on <paramref name="device"/> in <paramref name="dtype"/>; null
    /// when there is none. Throws <see cref="RefinerStateRefusedException"/> for another run's state or a damaged one.
    /// </summary>
    public RefinerState? Load(RefinerFingerprint fingerprint, int layers, Device device, ScalarType dtype)
    {
        if (!File.Exists(FilePath))
            return null;
        SafeTensorsFile file;
        try
        {
            file = SafeTensorsFile.Open(FilePath);
        }
        catch (Exception ex) when (ex is SafeTensorsException or IOException)
        {
            throw new RefinerStateRefusedException($"{FilePath} is damaged or not a refiner state ({ex.Message}); delete it to start again.", ex);
        }
        using (file)
        {
            var tensors = file.Entries.ToDictionary(e => e.Name, e => file.Load(e.Name), StringComparer.Ordinal);
            try
            {
                CheckIntact(file.Metadata, tensors);
                CheckSameRun(file.Metadata, fingerprint);
                return Restore(file.Metadata, tensors, layers, device, dtype);
            }
            finally
            {
                foreach (var tensor in tensors.Values)
                    tensor.Dispose();
            }
        }
    }

    /// <summary>Removes the state (a finished run's), and its folder when nothing else is left there, so finished runs leave no trace in temp/.</summary>
    public void Delete()
    {
        File.Delete(FilePath);
        if (!Directory.Exists(folder) || Directory.EnumerateFileSystemEntries(folder).Any())
            return;
        try
        {
            Directory.Delete(folder);
        }
        catch (IOException)
        {
            // Another run sharing the folder saved its state meanwhile: the folder is its now.
        }
    }

    private static Dictionary<string, Tensor> Tensors(RefinerState state)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["output"] = state.Output, ["generator_state"] = state.Generator.get_state() };
        for (var layer = 0; layer < state.Sink.Count; layer++)
        {
            (tensors[$"sink.{layer}.key"], tensors[$"sink.{layer}.value"]) = (state.Sink[layer].Key, state.Sink[layer].Value);
            if (state.History is { } history)
                (tensors[$"history.{layer}.key"], tensors[$"history.{layer}.value"]) = (history[layer].Key, history[layer].Value);
        }
        return tensors;
    }

    /// <summary>SHA-256 over the metadata (but the checksum) and every tensor, in name order.</summary>
    private static string Checksum(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var digest = new TensorDigest();
        foreach (var (key, value) in metadata.Where(m => m.Key != ChecksumKey).OrderBy(m => m.Key, StringComparer.Ordinal))
            digest.Add($"{key}={value}");
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
            digest.Add(name, tensor);
        return digest.HexDigest();
    }

    private void CheckIntact(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, Tensor> tensors)
    {
        if (metadata.GetValueOrDefault("format") != Format)
            throw new RefinerStateRefusedException($"{FilePath} is not a refiner state (its format is '{metadata.GetValueOrDefault("format") ?? "absent"}'); delete it or choose another checkpoint folder.");
        if (metadata.GetValueOrDefault(ChecksumKey) != Checksum(metadata, tensors))
            throw new RefinerStateRefusedException($"{FilePath} is damaged: its content does not match its checksum; delete it to start again.");
    }

    private void CheckSameRun(IReadOnlyDictionary<string, string> metadata, RefinerFingerprint fingerprint)
    {
        var saved = metadata.Where(m => m.Key.StartsWith(FingerprintPrefix, StringComparison.Ordinal))
            .ToDictionary(m => m.Key[FingerprintPrefix.Length..], m => m.Value, StringComparer.Ordinal);
        var differences = fingerprint.Differences(saved);
        if (differences.Count > 0)
            throw new RefinerStateRefusedException(
                $"{FilePath} holds another run's state ({string.Join("; ", differences)}); delete it or choose another checkpoint folder to start again.");
    }

    /// <summary>The state's tensors on the model's device and dtype, after checking it holds what a model of <paramref name="layers"/> layers needs.</summary>
    private RefinerState Restore(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, Tensor> tensors, int layers, Device device, ScalarType dtype)
    {
        int blocksDone = Count(metadata, "blocks_done"), historyFrames = Count(metadata, "history_frames");
        if (Count(metadata, "layers") != layers)
            throw new RefinerStateRefusedException($"{FilePath} holds {metadata["layers"]} layers' keys and values; the model has {layers} layers.");
        string[] parts = blocksDone > 0 ? ["sink", "history"] : ["sink"];
        var required = parts.SelectMany(part => Enumerable.Range(0, layers).SelectMany(l => new[] { $"{part}.{l}.key", $"{part}.{l}.value" }))
            .Append("output").Append("generator_state");
        if (required.FirstOrDefault(name => !tensors.ContainsKey(name)) is { } missing)
            throw new RefinerStateRefusedException($"{FilePath} has no {missing}.");

        Tensor Get(string name) => tensors[name].to(dtype, device).DetachFromDisposeScope();
        List<CapturedKv> Layers(string part) => [.. Enumerable.Range(0, layers).Select(l => new CapturedKv(Get($"{part}.{l}.key"), Get($"{part}.{l}.value")))];
        var generator = new Generator().set_state(tensors["generator_state"]);
        return RefinerState.Restored(Get("output"), Layers("sink"), generator, blocksDone > 0 ? Layers("history") : null, historyFrames, blocksDone);
    }

    private int Count(IReadOnlyDictionary<string, string> metadata, string key) =>
        int.TryParse(metadata.GetValueOrDefault(key), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RefinerStateRefusedException($"{FilePath}: {key} is not a count.");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
