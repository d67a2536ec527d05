using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Ltx2Vae;

/// <summary>
/// AutoencoderKLLTX2Video's tiled paths (upstream tiled_encode, tiled_decode, _temporal_tiled_encode,
/// _temporal_tiled_decode, blend_v/h/t), step for step: the tiled result differs from one pass, so parity with SANA-WM
/// needs exactly these tiles and blends. Blends write into the later tile in place, and later blends read the tiles
/// already blended, as upstream's do.
/// </summary>
public sealed partial class AutoencoderKLLTX2Video
{
    /// <summary>Overlapping 512-pixel (by default) tiles, each encoded alone, blended linearly over the latent overlap and cropped to the stride.</summary>
    private Tensor TiledEncode(Tensor x, TileCall call)
    {
        using var scope = torch.NewDisposeScope();
        var t = call.Tiling;
        var (height, width) = (x.shape[3], x.shape[4]);
        var (latentHeight, latentWidth) = (height / SpatialCompressionRatio, width / SpatialCompressionRatio);
        var (strideHeight, strideWidth) = (t.TileSampleStrideHeight / SpatialCompressionRatio, t.TileSampleStrideWidth / SpatialCompressionRatio);
        var blend = ((long)t.TileSampleMinHeight / SpatialCompressionRatio - strideHeight, (long)t.TileSampleMinWidth / SpatialCompressionRatio - strideWidth);
        var rows = new List<List<Tensor>>();
        for (long i = 0; i < height; i += t.TileSampleStrideHeight)
        {
            var row = new List<Tensor>();
            for (long j = 0; j < width; j += t.TileSampleStrideWidth)
                row.Add(_encoder.Forward(x.slice(3, i, i + t.TileSampleMinHeight).slice(4, j, j + t.TileSampleMinWidth), call.Causal, call.Capture));
            rows.Add(row);
        }
        var encoded = Stitch(rows, blend, (strideHeight, strideWidth), keepLastWhole: false).slice(3, 0, latentHeight).slice(4, 0, latentWidth);
        return encoded.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// 16-cell (by default) latent tiles at a stride of 14, each decoded alone, blended over the 64-pixel overlap and
    /// cropped to the 448-pixel stride, the last of each row and column kept whole. A last tile that would lie wholly
    /// inside the previous one's overlap is not decoded (it adds nothing and could be too small to reflect-pad).
    /// </summary>
    private Tensor TiledDecode(Tensor z, Tensor? temb, TileCall call)
    {
        using var scope = torch.NewDisposeScope();
        var t = call.Tiling;
        var (height, width) = (z.shape[3], z.shape[4]);
        var (minHeight, minWidth) = (t.TileSampleMinHeight / SpatialCompressionRatio, t.TileSampleMinWidth / SpatialCompressionRatio);
        var (strideHeight, strideWidth) = (t.TileSampleStrideHeight / SpatialCompressionRatio, t.TileSampleStrideWidth / SpatialCompressionRatio);
        var blend = ((long)t.TileSampleMinHeight - t.TileSampleStrideHeight, (long)t.TileSampleMinWidth - t.TileSampleStrideWidth);
        long rowStop = Math.Max(height - (minHeight - strideHeight), 1), columnStop = Math.Max(width - (minWidth - strideWidth), 1);
        var rows = new List<List<Tensor>>();
        for (long i = 0; i < rowStop; i += strideHeight)
        {
            var row = new List<Tensor>();
            for (long j = 0; j < columnStop; j += strideWidth)
                row.Add(_decoder.Forward(z.slice(3, i, i + minHeight).slice(4, j, j + minWidth), temb, call.Causal, call.Capture));
            rows.Add(row);
        }
        var decoded = Stitch(rows, blend, (t.TileSampleStrideHeight, t.TileSampleStrideWidth), keepLastWhole: true)
            .slice(3, 0, height * SpatialCompressionRatio).slice(4, 0, width * SpatialCompressionRatio);
        return decoded.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Frame windows of min_num_frames + 1 at a stride of stride_num_frames, each encoded (spatially tiled where large);
    /// every window after the first drops its first latent frame, is blended over the latent overlap and cut to the stride.
    /// </summary>
    private Tensor TemporalTiledEncode(Tensor x, TileCall call)
    {
        using var scope = torch.NewDisposeScope();
        var t = call.Tiling;
        var (frames, height, width) = (x.shape[2], x.shape[3], x.shape[4]);
        long latentFrames = (frames - 1) / TemporalCompressionRatio + 1;
        int stride = t.TileSampleStrideNumFrames / TemporalCompressionRatio;
        int blend = t.TileSampleMinNumFrames / TemporalCompressionRatio - stride;
        var row = new List<Tensor>();
        for (long i = 0; i < frames; i += t.TileSampleStrideNumFrames)
        {
            var window = x.slice(2, i, i + t.TileSampleMinNumFrames + 1);
            var tile = call.SampleTiled(height, width) ? TiledEncode(window, call) : _encoder.Forward(window, call.Causal, call.Capture);
            row.Add(i > 0 ? tile.slice(2, 1) : tile);
        }
        var result = new List<Tensor> { row[0].slice(2, 0, stride + 1) };
        for (int i = 1; i < row.Count; i++)
        {
            Blend(row[i - 1], row[i], blend, dim: 2);
            result.Add(row[i].slice(2, 0, stride));
        }
        return torch.cat([.. result], dim: 2).slice(2, 0, latentFrames).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Latent windows of min_num_frames / 8 + 1 at a stride of stride_num_frames / 8, each decoded (spatially tiled where
    /// large); every window after the first drops its LAST decoded frame, is blended over 32 frames and cut to the
    /// stride. Upstream's alignment, kept: after the first seam the output lags a one-pass decode by one frame.
    /// </summary>
    private Tensor TemporalTiledDecode(Tensor z, Tensor? temb, TileCall call)
    {
        using var scope = torch.NewDisposeScope();
        var t = call.Tiling;
        long latentFrames = z.shape[2];
        long sampleFrames = (latentFrames - 1) * TemporalCompressionRatio + 1;
        int minFrames = t.TileSampleMinNumFrames / TemporalCompressionRatio, stride = t.TileSampleStrideNumFrames / TemporalCompressionRatio;
        int blend = t.TileSampleMinNumFrames - t.TileSampleStrideNumFrames;
        var row = new List<Tensor>();
        for (long i = 0; i < latentFrames; i += stride)
        {
            var window = z.slice(2, i, i + minFrames + 1);
            var decoded = call.LatentTiled(window.shape[3], window.shape[4]) ? TiledDecode(window, temb, call) : _decoder.Forward(window, temb, call.Causal, call.Capture);
            row.Add(i > 0 ? decoded.slice(2, 0, decoded.shape[2] - 1) : decoded);
        }
        var result = new List<Tensor> { row[0].slice(2, 0, t.TileSampleStrideNumFrames + 1) };
        for (int i = 1; i < row.Count; i++)
        {
            Blend(row[i - 1], row[i], blend, dim: 2);
            result.Add(row[i].slice(2, 0, t.TileSampleStrideNumFrames));
        }
        return torch.cat([.. result], dim: 2).slice(2, 0, sampleFrames).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Blends each tile with the tile above and the tile to its left over their overlaps (in place, row by row, so later
    /// blends see earlier ones, as upstream's loops do) and joins the tiles cropped to the stride; with
    /// <paramref name="keepLastWhole"/> the last row and column keep their full size (tiled_decode), else every tile is
    /// cropped (tiled_encode).
    /// </summary>
    private static Tensor Stitch(List<List<Tensor>> rows, (long Height, long Width) blend, (long Height, long Width) stride, bool keepLastWhole)
    {
        var resultRows = new List<Tensor>();
        for (int i = 0; i < rows.Count; i++)
        {
            var resultRow = new List<Tensor>();
            for (int j = 0; j < rows[i].Count; j++)
            {
                var tile = rows[i][j];
                if (i > 0)
                    Blend(rows[i - 1][j], tile, blend.Height, dim: 3);
                if (j > 0)
                    Blend(rows[i][j - 1], tile, blend.Width, dim: 4);
                long? rowEnd = keepLastWhole && i == rows.Count - 1 ? null : stride.Height;
                long? columnEnd = keepLastWhole && j == rows[i].Count - 1 ? null : stride.Width;
                resultRow.Add(tile.slice(3, 0, rowEnd).slice(4, 0, columnEnd));
            }
            resultRows.Add(torch.cat([.. resultRow], dim: 4));
        }
        return torch.cat([.. resultRows], dim: 3);
    }

    /// <summary>
    /// blend_v / blend_h / blend_t: the first <paramref name="extent"/> slices of <paramref name="b"/> along
    /// <paramref name="dim"/> become a linear ramp from <paramref name="a"/>'s last slices to <paramref name="b"/>'s own,
    /// written into <paramref name="b"/>.
    /// </summary>
    private static void Blend(Tensor a, Tensor b, long extent, int dim)
    {
        extent = Math.Min(Math.Min(a.shape[dim], b.shape[dim]), extent);
        for (long k = 0; k < extent; k++)
        {
            using var scope = torch.NewDisposeScope();
            var target = b.select(dim, k);
            target.copy_(a.select(dim, a.shape[dim] - extent + k) * (1 - (double)k / extent) + target * ((double)k / extent));
        }
    }

    /// <summary>What every tile of one call shares: the tiling, the causal override and where intermediates go.</summary>
    private sealed record TileCall(Ltx2VaeTiling Tiling, int SpatialRatio, bool? Causal, IIntermediateCapture? Capture)
    {
        /// <summary>A video larger than one tile (upstream's check in _encode).</summary>
        public bool SampleTiled(long height, long width) =>
            Tiling.UseTiling && (width > Tiling.TileSampleMinWidth || height > Tiling.TileSampleMinHeight);

        /// <summary>Latents larger than one tile's (upstream's check in _decode and _temporal_tiled_decode).</summary>
        public bool LatentTiled(long height, long width) =>
            Tiling.UseTiling && (width > Tiling.TileSampleMinWidth / SpatialRatio || height > Tiling.TileSampleMinHeight / SpatialRatio);
    }
}
