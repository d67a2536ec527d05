"""The reference for an MVDream / ImageDream checkpoint's text encoder: stability's FrozenOpenCLIPEmbedder with
layer="penultimate" (ldm/modules/encoders/modules.py, encode_with_transformer), on open_clip's text tower (open_clip
transformer.py: ResidualAttentionBlock over torch's nn.MultiheadAttention, causal mask) read from the checkpoint's own
keys. open_clip is not packaged for Debian, so the tower is written out here; heads are 64 wide (one for a narrower
tower, as only test models are).

usage: openclip_text.py CHECKPOINT.safetensors PREFIX IDS OUTPUT.pt
  IDS are the 77 token ids, comma-separated; OUTPUT is a torch.save of {"z": [1, 77, width]}.
"""
import sys

import torch

import safetensors_io

checkpoint, prefix, ids, target = sys.argv[1:]
weights = {k[len(prefix):]: v for k, v in safetensors_io.read(checkpoint).items() if k.startswith(prefix)}
width = weights["token_embedding.weight"].shape[1]
heads = max(1, width // 64)
blocks = 1 + max(int(k.split(".")[2]) for k in weights if k.startswith("transformer.resblocks."))


def block(x, index, mask):
    w = {k[len(f"transformer.resblocks.{index}."):]: v for k, v in weights.items() if k.startswith(f"transformer.resblocks.{index}.")}
    attention = torch.nn.MultiheadAttention(width, heads)
    attention.load_state_dict({"in_proj_weight": w["attn.in_proj_weight"], "in_proj_bias": w["attn.in_proj_bias"],
                               "out_proj.weight": w["attn.out_proj.weight"], "out_proj.bias": w["attn.out_proj.bias"]})
    normed = torch.nn.functional.layer_norm(x, (width,), w["ln_1.weight"], w["ln_1.bias"])
    x = x + attention(normed, normed, normed, need_weights=False, attn_mask=mask)[0]
    normed = torch.nn.functional.layer_norm(x, (width,), w["ln_2.weight"], w["ln_2.bias"])
    hidden = torch.nn.functional.gelu(torch.nn.functional.linear(normed, w["mlp.c_fc.weight"], w["mlp.c_fc.bias"]))
    return x + torch.nn.functional.linear(hidden, w["mlp.c_proj.weight"], w["mlp.c_proj.bias"])


with torch.no_grad():
    tokens = torch.tensor([[int(i) for i in ids.split(",")]])
    x = weights["token_embedding.weight"][tokens] + weights["positional_embedding"]
    x = x.permute(1, 0, 2)  # NLD -> LND
    context = x.shape[0]
    mask = torch.empty(context, context).fill_(float("-inf")).triu_(1)
    for index in range(blocks - 1):  # penultimate: the last resblock is never run
        x = block(x, index, mask)
    x = x.permute(1, 0, 2)
    z = torch.nn.functional.layer_norm(x, (width,), weights["ln_final.weight"], weights["ln_final.bias"])
torch.save({"z": z}, target)
