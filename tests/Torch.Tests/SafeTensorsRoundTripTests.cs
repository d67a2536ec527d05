using System.Buffers.Binary;
using System.Text.Json;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class SafeTensorsRoundTripTests
{
    public static TheoryData<ScalarType> AllDtypes =>
        [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.@bool];

    [Theory, MemberData(nameof(AllDtypes))]
    public void Every_dtype_round_trips_bit_for_bit(ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        using var directory = new TemporaryDirectory();
        using var generator = new Generator(dtype.GetHashCode());
        var original = (torch.randn([3, 5], generator) * 50).to(dtype);
        var path = directory.File("one.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = original });
        using var file = SafeTensorsFile.Open(path);
        var entry = Assert.Single(file.Entries);
        Assert.Equal(("x", dtype), (entry.Name, entry.Dtype));
        Assert.Equal([3L, 5L], entry.Shape);
        var loaded = file.Load("x");
        Assert.Equal(dtype, loaded.dtype);
        Assert.True(original.equal(loaded));
    }

    [Fact]
    public void Several_tensors_metadata_and_odd_shapes_round_trip()
    {
        using var scope = torch.NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var tensors = new Dictionary<string, Tensor>
        {
            ["b.scalar"] = torch.scalar_tensor(2.5f),
            ["a.empty"] = torch.zeros([0, 3], torch.float16),
            ["c.transposed"] = torch.arange(6, dtype: torch.float32).view(2, 3).t(),
            ["d.mask"] = torch.tensor([true, false, true]),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode" };
        var path = directory.File("many.safetensors");
        SafeTensors.Save(path, tensors, metadata);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(["a.empty", "b.scalar", "c.transposed", "d.mask"], file.Entries.Select(e => e.Name));
        var loaded = SafeTensors.LoadAll(path);
        foreach (var (name, tensor) in tensors)
            Assert.True(tensor.equal(loaded[name]), name);
        Expect.Equal([0f, 3f, 1f, 4f, 2f, 5f], loaded["c.transposed"]);
        Assert.Equal("c.transposed: torch.float32 [3, 2]", SafeTensors.List(path).Single(e => e.Name == "c.transposed").ToString());
    }

    [Fact]
    public void A_durable_save_writes_the_same_file_and_leaves_no_temporary()
    {
        using var scope = torch.NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var tensors = new Dictionary<string, Tensor> { ["x"] = torch.arange(12, dtype: torch.float32).view(3, 4) };
        SafeTensors.Save(directory.File("plain.safetensors"), tensors, new Dictionary<string, string> { ["k"] = "v" });
        SafeTensors.Save(directory.File("durable.safetensors"), tensors, new Dictionary<string, string> { ["k"] = "v" }, durable: true);

        Assert.Equal(File.ReadAllBytes(directory.File("plain.safetensors")), File.ReadAllBytes(directory.File("durable.safetensors")));
        Assert.Equal(["durable.safetensors", "plain.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_file_follows_the_format()
    {
        using var scope = torch.NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var path = directory.File("format.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = torch.tensor([1f, 2f]), ["b"] = torch.tensor([(Half)3]) });
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        Assert.Equal("F16", header.RootElement.GetProperty("b").GetProperty("dtype").GetString());
        Assert.Equal("[0,2]", header.RootElement.GetProperty("b").GetProperty("data_offsets").GetRawText());
        Assert.Equal("[2,10]", header.RootElement.GetProperty("w").GetProperty("data_offsets").GetRawText());
        Assert.Equal(8 + headerLength + 10, bytes.Length);
        Assert.Equal(2f, BitConverter.ToSingle(bytes, 8 + headerLength + 2 + 4));
    }

    [Fact]
    public void Load_converts_dtype_and_copy_to_fills_an_existing_tensor()
    {
        using var scope = torch.NewDisposeScope();
        using var directory = new TemporaryDirectory();
        var path = directory.File("half.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = torch.tensor([0.5f, 1.5f]).half() });
        using var file = SafeTensorsFile.Open(path);
        var widened = file.Load("x", torch.float64, Device.CPU);
        Assert.Equal(torch.float64, widened.dtype);
        Expect.Equal([0.5, 1.5], widened);
        var destination = torch.zeros([2], torch.bfloat16);
        file.CopyTo("x", destination);
        Expect.Equal([0.5f, 1.5f], destination.@float());
        Assert.Throws<ArgumentException>(() => file.CopyTo("x", torch.zeros([3])));
        Assert.Throws<KeyNotFoundException>(() => file.Load("y"));
    }

    [Fact]
    public void A_module_loads_straight_from_the_file_with_strict_checks()
    {
        using var scope = torch.NewDisposeScope();
        using var directory = new TemporaryDirectory();
        using var source = new Linear(3, 2);
        source.weight.copy_(torch.arange(6, dtype: torch.float32).view(2, 3));
        source.bias!.fill_(-1);
        var path = directory.File("linear.safetensors");
        SafeTensors.Save(path, source.state_dict());

        using var file = SafeTensorsFile.Open(path);
        using var target = new Linear(3, 2).to(torch.bfloat16);
        target.load_state_dict(file);
        Assert.Equal(torch.bfloat16, target.weight.dtype);
        Assert.True(source.weight.equal(target.weight.@float()));
        using var wrong = new Linear(2, 2);
        var error = Assert.Throws<StateDictException>(() => wrong.load_state_dict(file));
        Assert.Contains("weight: the module expects [2, 2], the checkpoint has [2, 3]", error.Message);
    }

    [Fact]
    public void A_closed_file_refuses_reads()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("closed.safetensors");
        using (var scope = torch.NewDisposeScope())
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = torch.ones([1]) });
        var file = SafeTensorsFile.Open(path);
        file.Dispose();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Load("x"));
        Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Open(directory.File("missing.safetensors")));
    }
}
