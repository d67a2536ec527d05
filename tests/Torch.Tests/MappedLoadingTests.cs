using System.Buffers.Binary;
using System.Text;
using Workflow.Testing;
using Workflow.Torch.IO;
using Workflow.Torch.Modules;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>
/// Loading by mapping: a parameter at the file's stored dtype on the CPU becomes a view of the copy-on-write mapping
/// (no copy, no fresh memory), anything else is copied; the mapping lives exactly as long as its last view and never
/// writes to the file.
/// </summary>
public class MappedLoadingTests
{
    private sealed class Layer : Module
    {
        public Layer()
        {
            Weight = Parameter("weight", 256, 1024);   // 1 MiB in float32: whole pages
            Bias = Parameter("bias", 256);
        }

        public Tensor Weight { get; }

        public Tensor Bias { get; }
    }

    [Fact]
    public void A_parameter_at_the_stored_dtype_is_a_view_of_the_file_with_its_values()
    {
        using var directory = new TemporaryDirectory();
        var path = Written(directory, torch.float32);
        using var layer = new Layer();
        using (var file = SafeTensorsFile.Open(path))
        {
            layer.load_state_dict(file);
            using var copied = file.Load("weight");   // the copy path, for comparison
            Assert.True(copied.equal(layer.Weight));
            Assert.False(ProcessMaps.Views(copied, path));
        }
        Assert.True(ProcessMaps.Views(layer.Weight, path));
        Assert.True(ProcessMaps.Views(layer.Bias, path));
        using var expected = Values(torch.float32);
        Assert.True(expected["weight"].equal(layer.Weight));
    }

    [Fact]
    public void A_conversion_copies_and_leaves_nothing_mapped()
    {
        using var directory = new TemporaryDirectory();
        var path = Written(directory, torch.float16);
        using var layer = new Layer();
        using (var file = SafeTensorsFile.Open(path))
            layer.load_state_dict(file);
        Assert.Empty(ProcessMaps.Of(path));
        Assert.Equal(torch.float32, layer.Weight.dtype);
        using var expected = Values(torch.float16);
        using var converted = expected["weight"].to(torch.float32);
        Assert.True(converted.equal(layer.Weight));
    }

    [Fact]
    public void Float16_parameters_share_a_float16_file()
    {
        using var directory = new TemporaryDirectory();
        var path = Written(directory, torch.float16);
        using var layer = new Layer();
        layer.to(torch.float16);
        using (var file = SafeTensorsFile.Open(path))
            layer.load_state_dict(file);
        Assert.True(ProcessMaps.Views(layer.Weight, path));
        using var expected = Values(torch.float16);
        Assert.True(expected["weight"].equal(layer.Weight));
    }

    [Fact]
    public void The_mapping_goes_with_the_last_tensor_viewing_it()
    {
        using var directory = new TemporaryDirectory();
        var path = Written(directory, torch.float32);
        var layer = new Layer();
        using (var file = SafeTensorsFile.Open(path))
            layer.load_state_dict(file);
        Assert.Single(ProcessMaps.Of(path));   // the reader is gone, its views keep the mapping
        Assert.Equal(0, ProcessMaps.OpenDescriptors(path));   // but no descriptor: the mapping needs none
        using (var alias = layer.Bias.view(16, 16))
        {
            layer.Dispose();
            Assert.Single(ProcessMaps.Of(path));   // a view of a view still holds it
            using var expected = Values(torch.float32);
            Assert.True(expected["bias"].view(16, 16).equal(alias));
        }
        Assert.Empty(ProcessMaps.Of(path));
    }

    [Fact]
    public void Writing_to_a_shared_weight_copies_its_page_and_never_reaches_the_file()
    {
        using var directory = new TemporaryDirectory();
        var path = Written(directory, torch.float32);
        var before = File.ReadAllBytes(path);
        using var layer = new Layer();
        using (var file = SafeTensorsFile.Open(path))
            layer.load_state_dict(file);
        layer.Weight.add_(1f);
        layer.Bias.zero_();

        Assert.Equal(before, File.ReadAllBytes(path));
        using var expected = Values(torch.float32);
        using var plusOne = expected["weight"] + 1f;
        Assert.True(plusOne.equal(layer.Weight));
        Assert.Equal(0f, layer.Bias.abs().sum().item<float>());
        using var again = new Layer();
        using (var file = SafeTensorsFile.Open(path))
            again.load_state_dict(file);
        Assert.True(expected["weight"].equal(again.Weight));
    }

    [Fact]
    public void A_file_replaced_by_rename_leaves_loaded_weights_as_they_were()
    {
        using var directory = new TemporaryDirectory();
        var path = Written(directory, torch.float32);
        using var layer = new Layer();
        using (var file = SafeTensorsFile.Open(path))
            layer.load_state_dict(file);

        var replacement = directory.File("new.safetensors");
        using (var zeros = new Layer())
        {
            zeros.Weight.zero_();
            zeros.Bias.zero_();
            SafeTensors.Save(replacement, zeros.state_dict());
        }
        File.Move(replacement, path, overwrite: true);

        using var expected = Values(torch.float32);
        Assert.True(expected["weight"].equal(layer.Weight));
        Assert.True(expected["bias"].equal(layer.Bias));
    }

    [Fact]
    public void An_element_not_aligned_to_its_size_is_copied()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("unaligned.safetensors");
        using var values = Values(torch.float32);
        File.WriteAllBytes(path, Unaligned(values["bias"]));
        using var single = new Bias();
        using (var file = SafeTensorsFile.Open(path))
        {
            Assert.False(file.TryShare("bias", single.Value));
            single.load_state_dict(file, strict: false);
        }
        Assert.False(ProcessMaps.Views(single.Value, path));
        Assert.Empty(ProcessMaps.Of(path));
        Assert.True(values["bias"].equal(single.Value));
    }

    private sealed class Bias : Module
    {
        public Bias() => Value = Parameter("bias", 256);

        public Tensor Value { get; }
    }

    /// <summary>The layer's weights drawn from a fixed seed, as <paramref name="dtype"/>.</summary>
    private static DisposableDictionary Values(ScalarType dtype)
    {
        using var generator = new Generator(7);
        return new DisposableDictionary(new Dictionary<string, Tensor>
        {
            ["weight"] = torch.randn([256, 1024], generator).to(dtype).DetachFromDisposeScope(),
            ["bias"] = torch.randn([256], generator).to(dtype).DetachFromDisposeScope(),
        });
    }

    private static string Written(TemporaryDirectory directory, ScalarType dtype)
    {
        var path = directory.File($"layer_{dtype.ToTorchString()}.safetensors");
        using var values = Values(dtype);
        SafeTensors.Save(path, values);
        return path;
    }

    /// <summary>A file whose float32 tensor starts 2 bytes into the data, after a 2-byte uint8 one.</summary>
    private static byte[] Unaligned(Tensor bias)
    {
        var data = bias.bytes.ToArray();
        var header = """{"pad":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"bias":{"dtype":"F32","shape":[256],"data_offsets":[2,"""
            + (2 + data.Length) + "]}}";
        header += new string(' ', (8 - header.Length % 8) % 8);   // the data starts 8-aligned: only the offset is odd
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        return [.. bytes, .. Encoding.ASCII.GetBytes(header), 0, 0, .. data];
    }

    private sealed class DisposableDictionary(Dictionary<string, Tensor> tensors) : Dictionary<string, Tensor>(tensors), IDisposable
    {
        public void Dispose()
        {
            foreach (var tensor in Values)
                tensor.Dispose();
        }
    }
}
