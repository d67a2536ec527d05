using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Workflow.Testing;
using Workflow.Torch.IO;
using Workflow.Torch.Serialization;
using Workflow.Torch.Serialization.Pickle;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests.Serialization;

/// <summary>
/// Checkpoints torch.save itself wrote (Data/make_pickles.py: zip and legacy formats, pickle protocols 1 to 5) read
/// back as exactly the tensors of their safetensors twins: every dtype, views sharing storages (transposes, slices
/// with offsets, strides, expansions), Parameters, state dicts with metadata, nested containers, "state_dict" nesting.
/// </summary>
public sealed class PyTorchFileTests(PyTorchMadeFiles files) : IClassFixture<PyTorchMadeFiles>
{
    private static readonly Dictionary<string, int[]> Protocols = new()
    {
        ["dtypes"] = [2, 4, 5],
        ["views"] = [2],
        ["lightning"] = [2],
        ["wrapped"] = [2],
        ["modules"] = [2],
        ["containers"] = [1, 2, 4, 5],
        ["newer"] = [2],
    };

    public static TheoryData<string, string> Checkpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, protocols) in Protocols)
            foreach (var protocol in protocols)
                foreach (var format in new[] { "", ".legacy" })
                    data.Add(name, $"{name}{format}{(protocol == 2 ? "" : $".p{protocol}")}.pt");
        return data;
    }

    public static TheoryData<string> ContainerFiles() => [.. Checkpoints().Select(row => (string)row[1]).Where(f => f.StartsWith("containers"))];

    [PyTorchTheory]
    [MemberData(nameof(Checkpoints))]
    public void Reads_the_tensors_of_the_safetensors_twin_bit_for_bit(string name, string checkpoint)
    {
        using var pickle = TensorFile.Open(files.File(checkpoint));
        using var twin = TensorFile.Open(files.File($"{name}.twin.safetensors"));
        Assert.IsType<PyTorchFile>(pickle);
        Assert.IsType<SafeTensorsFile>(twin);
        Assert.Equal(twin.Entries.Select(e => e.ToString()), pickle.Entries.Select(e => e.ToString()));
        foreach (var entry in twin.Entries)
        {
            using var expected = twin.Load(entry.Name);
            using var actual = pickle.Load(entry.Name);
            Assert.True(Bytes(expected).SequenceEqual(Bytes(actual)), $"{checkpoint}: {entry} differs from its twin");
        }
    }

    [PyTorchTheory, OnCpu, OnCuda]
    public void Views_load_and_copy_onto_a_device_converting_dtype(string device)
    {
        var target = torch.device(device);
        using var twin = TensorFile.Open(files.File("views.twin.safetensors"));
        foreach (var checkpoint in new[] { "views.pt", "views.legacy.pt" })
        {
            using var pickle = TensorFile.Open(files.File(checkpoint));
            foreach (var entry in twin.Entries)
            {
                using var expected = twin.Load(entry.Name, ScalarType.Float64, target);
                using var loaded = pickle.Load(entry.Name, ScalarType.Float64, target);
                using var copied = torch.empty(entry.Shape, ScalarType.Float16, target);
                pickle.CopyTo(entry.Name, copied);
                using var expectedHalf = twin.Load(entry.Name, ScalarType.Float16, target);
                Assert.Equal((target, target), (loaded.device, copied.device));
                Assert.True(expected.equal(loaded) && expectedHalf.equal(copied), $"{checkpoint}: {entry.Name} on {device} differs from its twin");
            }
        }
    }

    [PyTorchTheory]
    [MemberData(nameof(ContainerFiles))]
    public void Root_holds_the_plain_values_as_pickled(string checkpoint)
    {
        using var pickle = PyTorchFile.Open(files.File(checkpoint));
        using var expected = JsonDocument.Parse(File.ReadAllText(files.File("expected.json")));
        foreach (var row in expected.RootElement.GetProperty("containers").EnumerateArray())
        {
            var (path, kind, value) = (row[0].GetString()!, row[1].GetString()!, row[2]);
            AssertValue(At(pickle.Root, path), kind, value, $"{checkpoint}: {path}");
        }
    }

    [PyTorchTheory]
    [InlineData("views.pt")]
    [InlineData("views.legacy.pt")]
    public void Contiguous_tensors_are_shared_as_views_of_the_file_and_strided_ones_copied(string checkpoint)
    {
        var path = files.File(checkpoint);
        using var pickle = PyTorchFile.Open(path);
        using var twin = TensorFile.Open(files.File("views.twin.safetensors"));
        string[] strided = ["transposed", "slice", "column", "every_other", "expanded", "permuted"];
        foreach (var entry in pickle.Entries)
        {
            using var destination = torch.empty(entry.Shape, entry.Dtype);
            var shared = pickle.TryShare(entry.Name, destination);
            using var expected = twin.Load(entry.Name);
            if (strided.Contains(entry.Name) || checkpoint == "views.pt")   // the zip format aligns its records; the legacy one need not
                Assert.Equal(!strided.Contains(entry.Name), shared);
            if (shared)
            {
                Assert.True(ProcessMaps.Views(destination, path), $"{entry.Name} is not a view of {checkpoint}");
                Assert.True(Bytes(expected).SequenceEqual(Bytes(destination)), $"{checkpoint}: {entry} differs from its twin");
            }
        }
    }

    [PyTorchFact]
    public void Tensors_outside_the_state_dict_load_from_the_root()
    {
        using var pickle = PyTorchFile.Open(files.File("lightning.pt"));
        var step = (StoredTensor)At(pickle.Root, "optimizer_states.0.step")!;
        using var loaded = pickle.Load(step);
        Assert.Equal((long)At(pickle.Root, "global_step")!, loaded.item<float>());
        Assert.All(pickle.Keys, key => Assert.StartsWith("model.", key));
    }

    [PyTorchFact]
    public void A_module_state_dict_keeps_its_metadata()
    {
        using var pickle = PyTorchFile.Open(files.File("modules.pt"));
        var stateDict = Assert.IsType<PickleDict>(At(pickle.Root, "net"));
        Assert.True(stateDict.IsOrderedDict);
        Assert.True(stateDict.Attributes!.TryGetValue("_metadata", out var metadata) && metadata is PickleDict { IsOrderedDict: true });
    }

    [PyTorchFact]
    public void Opens_by_content_whatever_the_extension()
    {
        using var directory = new TemporaryDirectory();
        var pickle = directory.File("really-a-pickle.safetensors");
        var safetensors = directory.File("really-safetensors.bin");
        File.Copy(files.File("views.legacy.pt"), pickle);
        File.Copy(files.File("views.twin.safetensors"), safetensors);
        Assert.Equal((TensorFileFormat.PyTorch, TensorFileFormat.SafeTensors), (TensorFile.Detect(pickle), TensorFile.Detect(safetensors)));
        using var a = TensorFile.Open(pickle);
        using var b = TensorFile.Open(safetensors);
        Assert.Equal(b.Entries.Select(e => e.ToString()), a.Entries.Select(e => e.ToString()));
    }

    [PyTorchFact]
    public void Tensors_read_only_from_their_own_open_file()
    {
        var pickle = PyTorchFile.Open(files.File("views.pt"));
        using var other = PyTorchFile.Open(files.File("views.legacy.pt"));
        var stored = (StoredTensor)At(pickle.Root, "base")!;
        Assert.Throws<ArgumentException>(() => other.Load(stored));
        pickle.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pickle.Load("base"));
    }

    [PyTorchTheory]
    [InlineData("views.pt")]
    [InlineData("views.legacy.pt")]
    [InlineData("dtypes.p4.pt")]
    public void Truncated_files_are_refused_naming_the_file(string checkpoint)
    {
        var bytes = File.ReadAllBytes(files.File(checkpoint));
        using var directory = new TemporaryDirectory();
        foreach (var length in new[] { bytes.Length / 2, bytes.Length - 30, bytes.Length - 1, 200 })
        {
            var path = directory.File($"cut-{length}.pt");
            File.WriteAllBytes(path, bytes[..length]);
            var error = Assert.Throws<PyTorchFileException>(() => PyTorchFile.Open(path));
            Assert.StartsWith($"{path}: ", error.Message);
        }
    }

    private static byte[] Bytes(Tensor tensor)
    {
        using var flat = tensor.reshape(-1);
        using var bytes = flat.view(ScalarType.UInt8);
        return bytes.ToArray<byte>();
    }

    /// <summary>The value at a dotted path of dict keys and list positions.</summary>
    private static object? At(object? root, string path) => path.Split('.').Aggregate(root, (node, part) => node switch
    {
        PickleDict dict => dict.TryGetValue(part, out var value) ? value : throw new KeyNotFoundException($"no key '{part}' in {path}"),
        List<object?> list => list[int.Parse(part, CultureInfo.InvariantCulture)],
        _ => throw new KeyNotFoundException($"{path}: '{part}' is inside a {node?.GetType().Name}"),
    });

    private static void AssertValue(object? actual, string kind, JsonElement expected, string where)
    {
        switch (kind)
        {
            case "str": Assert.Equal(expected.GetString(), actual); break;
            case "int": Assert.Equal(expected.GetInt64(), actual); break;
            case "bigint": Assert.Equal(BigInteger.Parse(expected.GetString()!, CultureInfo.InvariantCulture), actual); break;
            case "bool": Assert.Equal(expected.GetBoolean(), actual); break;
            case "none": Assert.Null(actual); break;
            case "bytes": Assert.Equal(Convert.FromHexString(expected.GetString()!), actual); break;
            case "float": Assert.Equal(expected.ValueKind == JsonValueKind.String ? double.PositiveInfinity : expected.GetDouble(), actual); break;
            case "complex": Assert.Equal(new Complex(expected[0].GetDouble(), expected[1].GetDouble()), actual); break;
            case "set": Assert.Equal(expected.EnumerateArray().Select(e => (object?)e.GetInt64()).Order(), Assert.IsType<PickleSet>(actual).Order()); break;
            case "tuple": Assert.Equal(expected.EnumerateArray().Select(e => (object?)e.GetInt64()), Assert.IsType<PickleTuple>(actual)); break;
            case "ordereddict": Assert.Equal(expected.EnumerateArray().Select(e => (object?)e.GetString()), Assert.IsType<PickleDict>(actual).Keys); break;
            case "dtype": Assert.Equal(expected.GetString(), Assert.IsType<PickleGlobal>(actual).Dtype?.ToTorchString()); break;
            default: throw new ArgumentException($"{where}: unknown kind {kind}");
        }
    }
}
