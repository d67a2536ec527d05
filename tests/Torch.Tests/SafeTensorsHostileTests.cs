using Workflow.Testing.Hostile;
using Workflow.Torch.IO;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>
/// Files that are not what their name says, or whose header asks for far more work than their bytes: each is refused
/// quickly, naming the file and what it is, having allocated little.
/// </summary>
public sealed class SafeTensorsHostileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string, byte[], string> OtherFormats => new()
    {
        { "torch zip", HostileCheckpoints.TorchZip(), "this is a pickled PyTorch checkpoint (torch.save's zip archive, as .ckpt, .pt, .pth and .bin files are), not a safetensors file" },
        { "torch legacy", HostileCheckpoints.LegacyTorchPickle(), "this is a pickled PyTorch checkpoint (torch.save's legacy format, before PyTorch 1.6), not a safetensors file" },
        { "pickle", HostileCheckpoints.Pickle4(), "this is a Python pickle (protocol 4), not a safetensors file" },
        { "gguf", HostileCheckpoints.Gguf(), "this is a GGUF model file, not a safetensors file" },
    };

    [Theory, MemberData(nameof(OtherFormats))]
    public void Another_format_under_a_safetensors_name_is_named(string name, byte[] bytes, string reason)
    {
        var path = _directory.File(name.Replace(' ', '_') + ".safetensors");
        File.WriteAllBytes(path, bytes);
        Assert.Equal($"{path}: {reason}", Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path)).Message);
    }

    /// <summary>A header of 896 bytes is stored as 80 03 00 …: pickle protocol 3's opening, but a safetensors file all the same.</summary>
    [Fact]
    public void A_header_length_that_starts_like_a_pickle_still_opens()
    {
        var json = """{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""".PadRight(0x380);
        var path = _directory.File("pickle_like_length.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. System.Text.Encoding.ASCII.GetBytes(json), .. BitConverter.GetBytes(2.5f)]);
        Assert.Equal([0x80, 0x03], File.ReadAllBytes(path)[..2]);
        using var file = SafeTensorsFile.Open(path);
        using var x = file.Load("x");
        Assert.Equal(2.5f, x.item<float>());
        Assert.Equal(TensorFileFormat.SafeTensors, TensorFile.Detect(path));
    }

    [Fact]
    public void A_million_empty_entries_are_refused_before_they_are_parsed()
    {
        var path = _directory.File("million.safetensors");
        File.WriteAllBytes(path, HostileCheckpoints.EmptyEntries(1_000_000, i => $"t{i}"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal($"{path}: the header lists more than 100,000 entries, more than any model file holds", error.Message);
        Assert.InRange(allocated, 0, new FileInfo(path).Length + (4 << 20));   // the header's bytes, once
    }

    [Fact]
    public void A_header_nested_past_any_reader_is_invalid_json()
    {
        var path = _directory.File("deep.safetensors");
        File.WriteAllBytes(path, HostileCheckpoints.DeepHeader(100_000));
        Assert.Contains("the header is not valid JSON", Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path)).Message);
    }

    [Fact]
    public async Task Fifo_device_and_folder_are_refused_without_blocking()
    {
        var planted = SpecialFiles.AllIn(_directory.Path, "model", ".safetensors");
        var expected = new Dictionary<string, string> { ["fifo"] = "a FIFO (named pipe)", ["dev-zero"] = "a character device", ["folder"] = "a directory" };
        foreach (var (kind, path) in planted)
        {
            var open = Task.Run(() => SafeTensorsFile.Open(path));
            var error = await Assert.ThrowsAsync<NotRegularFileException>(() => open.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal($"{path} is {expected[kind]}, not a regular file", error.Message);
        }
    }

    [Fact]
    public void Regular_file_checks_follow_links_to_what_they_name()
    {
        var target = _directory.File("real.bin");
        File.WriteAllBytes(target, [1, 2, 3]);
        var link = _directory.File("link.bin");
        File.CreateSymbolicLink(link, target);
        Assert.True(RegularFile.Exists(link));
        Assert.Equal([1, 2, 3], RegularFile.ReadAllBytes(link, maxBytes: 3));
        Assert.Contains("is 3 bytes, more than the 2", Assert.Throws<IOException>(() => RegularFile.ReadAllBytes(link, maxBytes: 2)).Message);
        Assert.False(RegularFile.Exists(_directory.Path));
        Assert.Null(RegularFile.Describe(_directory.File("missing")));
        Assert.IsType<FileNotFoundException>(Assert.ThrowsAny<IOException>(() => RegularFile.OpenRead(_directory.File("missing"))));
    }
}
