using System.Buffers.Binary;
using System.Text;
using Workflow.Torch.IO;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>A corpus of broken files, generated here; every one must fail with a clear error naming the file and tensor.</summary>
public class SafeTensorsMalformedTests
{
    /// <summary>name, file bytes, the tensor the error must name (or null), a phrase the error must contain.</summary>
    public static TheoryData<string, byte[], string?, string> Corpus => new()
    {
        { "empty file", [], null, "the file is 0 bytes" },
        { "shorter than the length field", [1, 2, 3, 4, 5], null, "the file is 5 bytes" },
        { "header length beyond the file", Raw(1000, "{}"), null, "header length 1000 exceeds the 2 bytes" },
        { "invalid JSON", File("{\"a\": {\"dtype\": "), null, "not valid JSON" },
        { "not UTF-8", Raw(2, [0xFF, 0xFE]), null, "not valid JSON" },
        { "header is an array", File("[]"), null, "JSON Array, not an object" },
        { "entry is a number", File("""{"a": 3}"""), "a", "is a JSON Number" },
        { "no dtype", File("""{"a": {"shape": [1], "data_offsets": [0, 4]}}""", 4), "a", "has no dtype string" },
        { "unknown dtype", File("""{"a": {"dtype": "F7", "shape": [1], "data_offsets": [0, 4]}}""", 4), "a", "unsupported dtype 'F7'" },
        { "dtype libtorch lacks", File("""{"a": {"dtype": "U16", "shape": [2], "data_offsets": [0, 4]}}""", 4), "a", "unsupported dtype 'U16'" },
        { "no shape", File("""{"a": {"dtype": "F32", "data_offsets": [0, 4]}}""", 4), "a", "has no shape array" },
        { "negative dimension", File("""{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}""", 4), "a", "shape holds -1" },
        { "fractional dimension", File("""{"a": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 4]}}""", 4), "a", "shape holds 2.5" },
        { "three offsets", File("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}""", 8), "a", "data_offsets has 3 values" },
        { "offsets reversed", File("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}""", 4), "a", "end before they begin" },
        { "offsets past the data", File("""{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}""", 8), "a", "extend past the data section (8 bytes)" },
        { "byte length not shape x itemsize", File("""{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}""", 8), "a", "holds 8 bytes but F32 [3] needs 12" },
        { "shape overflows", File("""{"a": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 8]}}""", 8), "a", "is too large" },
        {
            "overlapping tensors",
            File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", 12),
            "b", "overlap tensor 'a'"
        },
        {
            "gap between tensors",
            File("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}""", 12),
            "b", "leaving bytes [4, 8)"
        },
        { "trailing bytes", File("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 6), null, "2 bytes after the last tensor" },
        {
            "duplicate tensor",
            File("""{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}""", 2),
            "a", "appears twice"
        },
        { "metadata not an object", File("""{"__metadata__": [1]}"""), null, "__metadata__ is a JSON Array" },
        { "metadata value not a string", File("""{"__metadata__": {"step": 5}}"""), null, "__metadata__ value 'step' is a JSON Number" },
        { "truncated data", Truncated(), "w", "extend past the data section" },
    };

    [Theory, MemberData(nameof(Corpus))]
    public void A_malformed_file_is_rejected_clearly(string name, byte[] bytes, string? tensor, string phrase)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File(name.Replace(' ', '_') + ".safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path).Dispose());
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(phrase, error.Message);
        Assert.Equal(tensor, error.TensorName);
        if (tensor is not null)
            Assert.Contains($"tensor '{tensor}'", error.Message);
    }

    [Fact]
    public void A_header_over_the_size_limit_is_rejected_before_it_is_read()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("huge.safetensors");
        using (var stream = System.IO.File.Create(path))
        {
            stream.Write(Raw(150_000_000, "{}"));
            stream.SetLength(160_000_000); // sparse: no disk or memory is used for the hole
        }
        var error = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("exceeds the limit of 100000000 bytes", error.Message);
    }

    [Fact]
    public void An_empty_file_of_no_tensors_is_valid()
    {
        using var file = new TemporaryDirectory();
        var path = file.File("none.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor>());
        using var opened = SafeTensorsFile.Open(path);
        Assert.Empty(opened.Entries);
    }

    private static byte[] File(string header, int dataBytes = 0) =>
        Raw((ulong)Encoding.UTF8.GetByteCount(header), Encoding.UTF8.GetBytes(header).Concat(new byte[dataBytes]).ToArray());

    private static byte[] Raw(ulong declaredLength, string rest) => Raw(declaredLength, Encoding.UTF8.GetBytes(rest));

    private static byte[] Raw(ulong declaredLength, byte[] rest)
    {
        var bytes = new byte[8 + rest.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength);
        rest.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>A valid file with its last four bytes cut off.</summary>
    private static byte[] Truncated()
    {
        var header = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        var bytes = File(header, 8);
        return bytes[..^4];
    }
}
