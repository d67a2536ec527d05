"""A compact eager port of transformers' CLIPTextModel (4.38, models/clip/modeling_clip.py, eager attention), for the
references that need SD's text encoder where transformers is not importable. Weights load strictly by transformers'
key names (text_model.*); config is the model's config.json.

Facts carried over: the query is scaled before the product; the causal mask adds finfo(dtype).min above the
diagonal in the activations' dtype; softmax runs in the activations' dtype (no upcast); quick_gelu is x·σ(1.702x);
the pooled output is taken at argmax(input_ids) for the legacy eos_token_id 2, else at the first eos_token_id.
"""
import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {"quick_gelu": lambda x: x * torch.sigmoid(1.702 * x), "gelu": F.gelu}


class ClipAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(dim, dim) for _ in range(4))

    def split(self, x):
        b, t, c = x.shape
        return x.view(b, t, self.heads, c // self.heads).transpose(1, 2).reshape(b * self.heads, t, c // self.heads)

    def forward(self, x, causal_mask):
        b, t, c = x.shape
        q, k, v = self.split(self.q_proj(x) * self.scale), self.split(self.k_proj(x)), self.split(self.v_proj(x))
        scores = (torch.bmm(q, k.transpose(1, 2)).view(b, self.heads, t, t) + causal_mask).view(b * self.heads, t, t)
        out = torch.bmm(F.softmax(scores, dim=-1), v)
        return self.out_proj(out.view(b, self.heads, t, c // self.heads).transpose(1, 2).reshape(b, t, c))


class ClipMlp(nn.Module):
    def __init__(self, dim, inner, activation):
        super().__init__()
        self.activation = ACTIVATIONS[activation]
        self.fc1, self.fc2 = nn.Linear(dim, inner), nn.Linear(inner, dim)

    def forward(self, x):
        return self.fc2(self.activation(self.fc1(x)))


class ClipEncoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        dim, eps = config["hidden_size"], config["layer_norm_eps"]
        self.layer_norm1, self.self_attn = nn.LayerNorm(dim, eps=eps), ClipAttention(dim, config["num_attention_heads"])
        self.layer_norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = ClipMlp(dim, config["intermediate_size"], config["hidden_act"])

    def forward(self, x, causal_mask):
        x = x + self.self_attn(self.layer_norm1(x), causal_mask)
        return x + self.mlp(self.layer_norm2(x))


class ClipTextTransformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        dim = config["hidden_size"]
        self.embeddings = nn.Module()
        self.embeddings.token_embedding = nn.Embedding(config["vocab_size"], dim)
        self.embeddings.position_embedding = nn.Embedding(config["max_position_embeddings"], dim)
        self.encoder = nn.Module()
        self.encoder.layers = nn.ModuleList([ClipEncoderLayer(config) for _ in range(config["num_hidden_layers"])])
        self.final_layer_norm = nn.LayerNorm(dim, eps=config["layer_norm_eps"])


class ClipTextModel(nn.Module):
    """forward(input_ids) → (last_hidden_state, pooler_output, hidden_states): hidden_states[0] is the embeddings,
    hidden_states[i] the output of layer i (before the final layer norm), as output_hidden_states=True gives them."""

    def __init__(self, config):
        super().__init__()
        self.eos_token_id = config.get("eos_token_id", 2)
        self.text_model = ClipTextTransformer(config)

    def forward(self, input_ids):
        model = self.text_model
        t = input_ids.shape[1]
        x = model.embeddings.token_embedding(input_ids) + model.embeddings.position_embedding(torch.arange(t, device=input_ids.device))[None]
        causal_mask = torch.full((t, t), torch.finfo(x.dtype).min, dtype=x.dtype, device=x.device).triu(1)[None, None]
        hidden_states = [x]
        for layer in model.encoder.layers:
            x = layer(x, causal_mask)
            hidden_states.append(x)
        last = model.final_layer_norm(x)
        rows = torch.arange(last.shape[0], device=last.device)
        ends = input_ids.argmax(dim=-1) if self.eos_token_id == 2 else (input_ids == self.eos_token_id).int().argmax(dim=-1)
        return last, last[rows, ends], hidden_states
