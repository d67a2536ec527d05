using System.IO.Compression;
using System.Text;

namespace Workflow.Torch.Tests.Support;

/// <summary>
/// Writes archives laid out as torch.save's zip format (ARCHIVE/data.pkl, ARCHIVE/data/KEY, ARCHIVE/version) from
/// hand-made pickles and storages, for the cases PyTorch itself would never write.
/// </summary>
public static class TorchArchive
{
    public static void Write(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]>? storages = null,
        IReadOnlyDictionary<string, byte[]>? records = null, Func<string, CompressionLevel>? compression = null)
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        var all = new Dictionary<string, byte[]> { ["data.pkl"] = pickle, ["version"] = Encoding.ASCII.GetBytes("3\n") };
        foreach (var (key, bytes) in storages ?? new Dictionary<string, byte[]>())
            all[$"data/{key}"] = bytes;
        foreach (var (name, bytes) in records ?? new Dictionary<string, byte[]>())
            all[name] = bytes;
        foreach (var (name, bytes) in all)
        {
            using var entry = zip.CreateEntry($"archive/{name}", compression?.Invoke(name) ?? CompressionLevel.NoCompression).Open();
            entry.Write(bytes);
        }
    }
}
