using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Workflow.Torch.IO;
using Workflow.Torch.Serialization;
using Workflow.Torch.Serialization.Pickle;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests.Serialization;

/// <summary>
/// Pickles and archives written by hand to be hostile or broken (no pickler would write them): each is refused with
/// an error naming the file and what is wrong, within a few seconds and a few megabytes, and nothing runs.
/// </summary>
public sealed class HostilePickleTests : IDisposable
{
    private const long AllocationBudget = 32 << 20;

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_storage_offset_past_the_end_of_its_storage_is_refused()
    {
        var path = Archive(PickleBuilder.StateDict("w", p => p.Tensor("0", numel: 4, offset: 10, shape: [2], stride: [1])), Floats(4));
        Assert.Contains("tensor [2] (stride [1], storage offset 10) reaches element 12 of storage '0', which holds 4 torch.float32 elements", Refused(path).Message);
    }

    [Fact]
    public void A_view_whose_strides_reach_past_its_storage_is_refused()
    {
        var path = Archive(PickleBuilder.StateDict("w", p => p.Tensor("0", numel: 6, offset: 0, shape: [2, 3], stride: [3, 2])), Floats(6));
        Assert.Contains("reaches element 8 of storage '0', which holds 6", Refused(path).Message);
    }

    [Fact]
    public void A_negative_stride_is_refused()
    {
        var path = Archive(PickleBuilder.StateDict("w", p => p.Tensor("0", numel: 4, offset: 3, shape: [4], stride: [-1])), Floats(4));
        Assert.Contains("has a negative size, stride or offset", Refused(path).Message);
    }

    [Fact]
    public void A_storage_missing_from_the_archive_is_refused()
    {
        var path = Archive(PickleBuilder.StateDict("w", p => p.Tensor("7", numel: 4, offset: 0, shape: [4], stride: [1])));
        Assert.Contains("storage '7' is not in the archive (no record archive/data/7)", Refused(path).Message);
    }

    [Fact]
    public void A_storage_record_of_another_size_than_declared_is_refused()
    {
        var path = Archive(PickleBuilder.StateDict("w", p => p.Tensor("0", numel: 4, offset: 0, shape: [4], stride: [1])), Floats(2));
        Assert.Contains("storage '0' declares 4 torch.float32 elements (16 bytes), its record holds 8 bytes", Refused(path).Message);
    }

    [Fact]
    public void A_compressed_storage_is_refused_without_being_inflated()
    {
        // A zip bomb: 64 MiB of zeros deflated to some 64 KiB.
        var numel = 16 << 20;
        var path = Archive(PickleBuilder.StateDict("w", p => p.Tensor("0", numel, offset: 0, shape: [numel], stride: [1])),
            new Dictionary<string, byte[]> { ["0"] = new byte[numel * 4] }, compression: name => name == "data/0" ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
        Assert.True(new FileInfo(path).Length < 1 << 20);
        Assert.Contains("the record 'archive/data/0' is compressed (zip method 8)", Refused(path).Message);
    }

    [Fact]
    public void A_compressed_pickle_is_refused()
    {
        var path = Archive(new PickleBuilder().Proto().Op('N').Stop().ToArray(), storages: null,
            compression: name => name == "data.pkl" ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
        Assert.Contains("the record 'archive/data.pkl' is compressed", Refused(path).Message);
    }

    [Fact]
    public void A_truncated_archive_is_refused()
    {
        var path = Archive(PickleBuilder.StateDict("w", p => p.Tensor("0", numel: 4, offset: 0, shape: [4], stride: [1])), Floats(4));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        Assert.Contains("zip archive: no end-of-central-directory record", Refused(path).Message);
    }

    [Theory]
    [InlineData("GLOBAL", "posix.system")]
    [InlineData("GLOBAL_PYTHON2", "builtins.eval")]
    [InlineData("STACK_GLOBAL", "builtins.exec")]
    [InlineData("INST", "os.system")]
    [InlineData("PROTOCOL_0", "subprocess.check_output")]
    public void Every_opcode_that_names_a_global_is_guarded(string spelling, string global)
    {
        var (module, name) = (global[..global.LastIndexOf('.')], global[(global.LastIndexOf('.') + 1)..]);
        var payload = new PickleBuilder();
        var pickle = spelling switch
        {
            "GLOBAL" => payload.Proto().Global(module, name).Str("touch marker").Op(0x85).Op('R').Stop(),
            "GLOBAL_PYTHON2" => payload.Proto().Global("__builtin__", name).Str("1").Op(0x85).Op('R').Stop(),
            "STACK_GLOBAL" => payload.Proto(4).Str(module).Str(name).Op(0x93).Str("1").Op(0x85).Op('R').Stop(),
            "INST" => payload.Proto().Mark().Str("touch marker").Op('i').Text($"{module}\n{name}\n").Stop(),
            _ => payload.Text($"c{module}\n{name}\n(S'ls'\ntR.").Stop(),
        };
        var error = Refused(Archive(pickle.ToArray()));
        Assert.Equal(global, error.RefusedGlobal);
        Assert.Contains($"refused global '{global}'", error.Message);
    }

    [Theory]
    [InlineData(100_000, "MARKs nest deeper than 100 (PickleLimits.MaxDepth)")]
    [InlineData(101, "MARKs nest deeper than 100 (PickleLimits.MaxDepth)")]
    public void Deeply_nested_marks_are_refused(int depth, string expected)
    {
        var pickle = new PickleBuilder().Proto().Raw(Enumerable.Repeat((byte)'(', depth).ToArray()).Op('N').Stop().ToArray();
        Assert.Contains(expected, Refused(Archive(pickle)).Message);
    }

    [Fact]
    public void Deeply_nested_tuples_are_refused()
    {
        var pickle = new PickleBuilder().Proto().Op('N').Raw(Enumerable.Repeat((byte)0x85, 100_000).ToArray()).Stop().ToArray();
        Assert.Contains("tuples nest deeper than 100 (PickleLimits.MaxDepth)", Refused(Archive(pickle)).Message);
    }

    [Fact]
    public void Deeply_nested_lists_are_refused_when_walked()
    {
        const int depth = 100_000;
        var pickle = new PickleBuilder().Proto().Raw(Enumerable.Repeat((byte)']', depth).ToArray())
            .Raw(Enumerable.Repeat((byte)'a', depth - 1).ToArray()).Stop().ToArray();
        Assert.Contains("its state dict nests deeper than 100 at '0.0.0.0.0.0.0", Refused(Archive(pickle)).Message);
    }

    [Fact]
    public void A_list_that_contains_itself_is_refused()
    {
        var pickle = new PickleBuilder().Proto().Op(']').Op('q').Op(0).Op('h').Op(0).Op('a').Stop().ToArray();
        Assert.Contains("its state dict contains itself at '0'", Refused(Archive(pickle)).Message);
    }

    [Fact]
    public void Shared_sublists_cannot_blow_up_the_walk()
    {
        // Each level holds the level below twice: 2^60 paths to walk, 120 values in the pickle.
        var pickle = new PickleBuilder().Proto().Op('N');
        for (var level = 0; level < 60; level++)
            pickle.Op('2').Op(0x86);
        var error = Refused(Archive(pickle.Stop().ToArray()));
        Assert.Contains("walking its state dict takes more than 2000000 steps (PickleLimits.MaxValues)", error.Message);
    }

    [Theory]
    [InlineData('X', 0xfffffff0UL, 4, "declares a 4294967280-byte string, over the limit of 67108864 (PickleLimits.MaxStringBytes)")]
    [InlineData('B', 0xfffffff0UL, 4, "declares a 4294967280-byte string")]
    [InlineData(0x8d, 1UL << 62, 8, "declares a 4611686018427387904-byte string")]
    [InlineData(0x8e, 1UL << 63, 8, "declares a length of 9223372036854775808 bytes")]
    [InlineData(0x96, 1UL << 40, 8, "declares a 1099511627776-byte string")]
    [InlineData('T', 0x80000000UL, 4, "declares a negative length -2147483648")]
    [InlineData(0x8b, 0x7fffffffUL, 4, "a 2147483647-byte integer exceeds the limit of 4096 bytes (PickleLimits.MaxIntegerBytes)")]
    [InlineData('X', 1000UL, 4, "needs 1000 bytes but only 1 remain (truncated file?)")]
    public void Huge_declared_lengths_are_refused_before_anything_is_allocated(int opcode, ulong length, int width, string expected)
    {
        var pickle = new PickleBuilder().Proto().Op((byte)opcode);
        (width == 4 ? pickle.UInt32((uint)length) : pickle.UInt64(length)).Stop();
        Assert.Contains(expected, Refused(Archive(pickle.ToArray())).Message);
    }

    [Fact]
    public void Strings_are_bounded_in_total()
    {
        var pickle = new PickleBuilder().Proto().Op(']').Mark();
        for (var i = 0; i < 10; i++)
            pickle.Str(new string('x', 1000));
        var path = Archive(pickle.Op('e').Stop().ToArray());
        Assert.Contains("strings total more than 5000 bytes (PickleLimits.MaxTotalStringBytes)",
            Refused(path, PickleLimits.Default with { MaxTotalStringBytes = 5000 }).Message);
    }

    [Fact]
    public void The_count_of_values_is_bounded()
    {
        var pickle = new PickleBuilder().Proto().Raw(Enumerable.Repeat("N0"u8.ToArray(), 2_100_000).SelectMany(b => b).ToArray()).Op('N').Stop();
        Assert.Contains("more than 2000000 values (PickleLimits.MaxValues)", Refused(Archive(pickle.ToArray())).Message);
    }

    [Fact]
    public void Repeated_memo_reads_count_as_values()
    {
        var pickle = new PickleBuilder().Proto().Op(']').Op('q').Op(0);
        for (var i = 0; i < 2000; i++)
            pickle.Op('h').Op(0).Op('a');
        var path = Archive(pickle.Stop().ToArray());
        Assert.Contains("more than 1000 values", Refused(path, PickleLimits.Default with { MaxValues = 1000 }).Message);
    }

    [Fact]
    public void The_memo_is_bounded()
    {
        var pickle = new PickleBuilder().Proto().Op('N');
        for (var i = 0u; i < 200; i++)
            pickle.Op('r').UInt32(i);
        var path = Archive(pickle.Stop().ToArray());
        Assert.Contains("more than 100 memo entries (PickleLimits.MaxMemo)", Refused(path, PickleLimits.Default with { MaxMemo = 100 }).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xff }, "(opcode 0xff): unknown opcode 0xff")]
    [InlineData(new byte[] { 0x99 }, "unknown opcode 0x99")]
    [InlineData(new byte[] { 0x82, 7 }, "(EXT1): extension code 7 is not registered")]
    [InlineData(new byte[] { 0x97 }, "(NEXT_BUFFER): refers to an out-of-band buffer, and none are given")]
    [InlineData(new byte[] { 0x80, 6 }, "pickle protocol 6 is newer than the highest known (5)")]
    [InlineData(new byte[] { (byte)'a' }, "(APPEND): needs a value, the stack is empty")]
    [InlineData(new byte[] { (byte)'t' }, "(TUPLE): needs a MARK, finds none")]
    [InlineData(new byte[] { (byte)'h', 3 }, "(BINGET): memo entry 3 was never stored")]
    [InlineData(new byte[] { (byte)'N' }, "the pickle ends")]
    public void Malformed_opcode_streams_are_refused_naming_the_byte(byte[] body, string expected)
    {
        var pickle = new PickleBuilder().Proto().Raw(body);
        var bytes = expected == "the pickle ends" ? pickle.ToArray() : pickle.Stop().ToArray();
        var message = Refused(Archive(bytes)).Message;
        Assert.Contains("archive/data.pkl byte ", message);
        Assert.Contains(expected == "the pickle ends" ? "needs 1 bytes but only 0 remain" : expected, message);
    }

    [Theory]
    [InlineData("]N]s", "(SETITEM): sets items on a list; only dicts and OrderedDicts take items")]
    [InlineData("}Na", "(APPEND): appends to a dict; only lists are appended to")]
    [InlineData("}]Ns", "(SETITEM): unhashable type list used as a dict key or set item")]
    [InlineData("]}b", "(BUILD): BUILD on a list is not allowed")]
    [InlineData("N)R", "(REDUCE): REDUCE calls a NoneType, which is not an allowed global")]
    public void Misused_containers_are_refused(string opcodes, string expected)
    {
        var pickle = new PickleBuilder().Proto().Text(opcodes).Stop().ToArray();
        Assert.Contains(expected, Refused(Archive(pickle)).Message);
    }

    [Fact]
    public void Calls_build_data_only_even_on_allowed_names()
    {
        var newObj = new PickleBuilder().Proto().Global("torch._utils", "_rebuild_tensor_v2").Op(')').Op(0x81).Stop().ToArray();
        Assert.Contains("NEWOBJ of 'torch._utils._rebuild_tensor_v2' is not allowed", Refused(Archive(newObj)).Message);
        var rebuild = new PickleBuilder().Proto().Global("torch._utils", "_rebuild_tensor_v2").Mark().Str("not a storage").Int(0).Ints(1).Ints(1)
            .Op(0x89).Op('N').Op('t').Op('R').Stop().ToArray();
        Assert.Contains("storage is a str, not a storage from a persistent id", Refused(Archive(rebuild)).Message);
    }

    [Fact]
    public void Persistent_ids_name_storages_only()
    {
        var module = new PickleBuilder().Proto().Mark().Str("module").Op('N').Str("x.py").Str("class M: ...").Op('t').Op('Q').Stop().ToArray();
        Assert.Contains("a whole nn.Module was saved", Refused(Archive(module)).Message);
        var number = new PickleBuilder().Proto().Int(5).Op('Q').Stop().ToArray();
        Assert.Contains("a persistent id must be a ('storage', ...) tuple, this is a int", Refused(Archive(number)).Message);
    }

    [Theory]
    [InlineData("constants.pkl", "N.", "a TorchScript archive (torch.jit.save)")]
    [InlineData("byteorder", "big", "its storages are big-endian")]
    [InlineData("byteorder", "middle", "unknown byte order 'middle'")]
    [InlineData("version", "three", "the archive's version record is 'three'")]
    public void Archives_that_are_not_loadable_checkpoints_are_refused(string record, string content, string expected)
    {
        var path = _directory.File("archive.pt");
        TorchArchive.Write(path, new PickleBuilder().Proto().Op('N').Stop().ToArray(), records: new Dictionary<string, byte[]> { [record] = Encoding.ASCII.GetBytes(content) });
        Assert.Contains(expected, Refused(path).Message);
    }

    [Fact]
    public void A_zip_without_data_pkl_is_refused()
    {
        var path = _directory.File("model.pt2");
        using (var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create))
            zip.CreateEntry("model/archive_format", CompressionLevel.NoCompression).Open().Dispose();
        Assert.Contains("a zip archive without model/data.pkl: not a torch.save checkpoint", Refused(path).Message);
    }

    [Fact]
    public void Legacy_files_are_checked_as_strictly()
    {
        var pickle = PickleBuilder.StateDict("w", p => p.Tensor("0", numel: 4, offset: 0, shape: [4], stride: [1], legacy: true));
        var path = _directory.File("legacy.pt");
        LegacyTorchFile.Write(path, pickle, ("0", 4, new byte[16]));
        using (var file = PyTorchFile.Open(path))
            Assert.Equal(["w: torch.float32 [4]"], file.Entries.Select(e => e.ToString()));
        LegacyTorchFile.Write(path, pickle, ("0", 3, new byte[12]));
        Assert.Contains("storage '0' is stored with 3 elements, its pickle declares 4", Refused(path).Message);
        LegacyTorchFile.Write(path, pickle, ("0", 4, new byte[10]));
        Assert.Contains("storage '0' needs 16 bytes from byte", Refused(path).Message);
        LegacyTorchFile.Write(path, pickle);
        Assert.Contains("storage '0' is used by the pickle but not stored in the file", Refused(path).Message);
    }

    [Fact]
    public void Files_that_are_no_checkpoint_are_refused()
    {
        var notMagic = _directory.File("not-magic.pt");
        File.WriteAllBytes(notMagic, new PickleBuilder().Proto().Int(5).Stop().ToArray());
        Assert.Contains("not a PyTorch file: its first pickle is not torch.save's magic number", Refused(notMagic).Message);
        var tar = _directory.File("old.tar");
        var header = new byte[1024];
        "ustar"u8.CopyTo(header.AsSpan(257));
        File.WriteAllBytes(tar, header);
        Assert.Contains("a tar archive: PyTorch's format before 0.4", Assert.Throws<PyTorchFileException>(() => TensorFile.Open(tar)).Message);
        var text = _directory.File("notes.bin");
        File.WriteAllText(text, "not a model");
        Assert.Contains("not a safetensors file, a PyTorch zip archive or a legacy PyTorch pickle (it starts with bytes 6E6F742061206D6F)",
            Assert.Throws<InvalidDataException>(() => TensorFile.Open(text)).Message);
    }

    [Fact]
    public void Zip64_sizes_and_offsets_are_read_from_their_extra_fields()
    {
        var path = _directory.File("zip64.pt");
        var values = new float[] { 1, 2, 3, 4 };
        var bytes = new byte[16];
        Buffer.BlockCopy(values, 0, bytes, 0, 16);
        Zip64Archive.Write(path, [
            ("big/data.pkl", PickleBuilder.StateDict("w", p => p.Tensor("0", numel: 4, offset: 1, shape: [3], stride: [1]))),
            ("big/data/0", bytes),
            ("big/version", "3\n"u8.ToArray()),
        ]);
        using var file = PyTorchFile.Open(path);
        using var w = file.Load("w");
        Expect.Equal([2f, 3f, 4f], w);
    }

    /// <summary>Random byte changes to a valid archive and a valid legacy file: each mutant opens and loads, or is refused cleanly.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mutated_files_load_or_are_refused_never_anything_else(bool legacy)
    {
        var pickle = new PickleBuilder().Proto().Op('}').Mark()
            .Str("a").Tensor("0", numel: 12, offset: 2, shape: [2, 3], stride: [1, 2], legacy: legacy)
            .Str("b").Tensor("1", numel: 4, offset: 0, shape: [4], stride: [1], legacy: legacy)
            .Op('u').Stop().ToArray();
        var path = _directory.File("valid.pt");
        if (legacy)
            LegacyTorchFile.Write(path, pickle, ("0", 12, Floats(12)), ("1", 4, Floats(4)));
        else
            TorchArchive.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = Floats(12), ["1"] = Floats(4) });
        var valid = File.ReadAllBytes(path);
        var random = new Random(1234);
        var (loaded, refused) = (0, 0);
        for (var i = 0; i < 2000; i++)
        {
            var mutant = (byte[])valid.Clone();
            for (var changes = random.Next(1, 4); changes > 0; changes--)
                mutant[random.Next(mutant.Length)] = (byte)random.Next(256);
            File.WriteAllBytes(path, mutant);
            try
            {
                using var file = PyTorchFile.Open(path);
                foreach (var entry in file.Entries)
                    file.Load(entry.Name).Dispose();
                loaded++;
            }
            catch (PyTorchFileException)
            {
                refused++;
            }
        }
        Assert.True(loaded > 0 && refused > 0, $"{loaded} mutants loaded, {refused} refused");
    }

    [Fact]
    public void Protocol_0_text_opcodes_read_as_python_reads_them()
    {
        // pickle.dumps({'s': 'va\x6c\n', 'u': 'caf\xe9 \u2713', 'i': 42, 'b': True, 'f': 0.5, 'l': [123456789012345678901234567890, None]}, protocol=0)
        var pickle = "(dp0\nVs\np1\nS'va\\x6c\\n'\np2\nsVu\np3\nVcaf\u00e9 \\u2713\np4\nsVi\np5\nI42\nsVb\np6\nI01\nsVf\np7\nF0.5\nsVl\np8\n(lp9\nL123456789012345678901234567890L\naNas.";
        using var file = PyTorchFile.Open(Archive(Encoding.Latin1.GetBytes(pickle)));
        var root = Assert.IsType<PickleDict>(file.Root);
        Assert.Equal(["s", "u", "i", "b", "f", "l"], root.Keys);
        Assert.True(root.TryGetValue("s", out var s) && (string)s! == "val\n");
        Assert.True(root.TryGetValue("u", out var u) && (string)u! == "café ✓");
        Assert.True(root.TryGetValue("i", out var i) && (long)i! == 42);
        Assert.True(root.TryGetValue("b", out var b) && b is true);
        Assert.True(root.TryGetValue("f", out var f) && (double)f! == 0.5);
        Assert.True(root.TryGetValue("l", out var l) && l is List<object?> { Count: 2 } list
                    && list[0]!.ToString() == "123456789012345678901234567890" && list[1] is null);
    }

    private string Archive(byte[] pickle, byte[]? storage = null) =>
        Archive(pickle, storage is null ? null : new Dictionary<string, byte[]> { ["0"] = storage });

    private string Archive(byte[] pickle, IReadOnlyDictionary<string, byte[]>? storages, Func<string, CompressionLevel>? compression = null)
    {
        var path = _directory.File($"{Guid.NewGuid():N}.pt");
        TorchArchive.Write(path, pickle, storages, compression: compression);
        return path;
    }

    private static byte[] Floats(int count) => new byte[count * sizeof(float)];

    /// <summary>Opens <paramref name="path"/>, expecting a refusal that names it, within 10 s and <see cref="AllocationBudget"/> bytes.</summary>
    private static PyTorchFileException Refused(string path, PickleLimits? limits = null)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<PyTorchFileException>(() => PyTorchFile.Open(path, limits));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refusing {path} took {clock.Elapsed}");
        var used = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(used < AllocationBudget, $"refusing {path} allocated {used} bytes");
        Assert.StartsWith($"{path}: ", error.Message);
        return error;
    }
}
