"""A Llama-style decoder stack for the training-step benchmark (layer_bench.py --llama).

TinyLlama-1.1B's block shapes: d_model 2048, 32 heads of 64 with 4 key/value heads (grouped-query
attention), SwiGLU MLP 2048 -> 5632 -> 2048, RMSNorm, no biases. Attention is
F.scaled_dot_product_attention (causal, flash). Rotary embeddings and the token embedding / LM head
are left out: they are the same for the dense and the STL model and would only add the same time
to both. The STL model is the dense one with every MLP linear (gate, up, down) converted.
"""
import torch
import torch.nn.functional as F
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps).to(x.dtype) * self.weight


class Attention(nn.Module):
    def __init__(self, d, heads, kv_heads):
        super().__init__()
        self.h, self.kv, self.dh = heads, kv_heads, d // heads
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, kv_heads * self.dh, bias=False)
        self.v_proj = nn.Linear(d, kv_heads * self.dh, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)

    def forward(self, x):
        B, S, _ = x.shape
        q = self.q_proj(x).view(B, S, self.h, self.dh).transpose(1, 2)
        k = self.k_proj(x).view(B, S, self.kv, self.dh).transpose(1, 2)
        v = self.v_proj(x).view(B, S, self.kv, self.dh).transpose(1, 2)
        rep = self.h // self.kv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.o_proj(o.transpose(1, 2).reshape(B, S, -1))


class MLP(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.gate_proj = nn.Linear(d, hidden, bias=False)
        self.up_proj = nn.Linear(d, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, d, heads, kv_heads, hidden):
        super().__init__()
        self.attn_norm, self.mlp_norm = RMSNorm(d), RMSNorm(d)
        self.attn = Attention(d, heads, kv_heads)
        self.mlp = MLP(d, hidden)

    def forward(self, x):
        x = x + self.attn(self.attn_norm(x))
        return x + self.mlp(self.mlp_norm(x))


class Stack(nn.Module):
    def __init__(self, layers=4, d=2048, heads=32, kv_heads=4, hidden=5632):
        super().__init__()
        self.layers = nn.ModuleList(Block(d, heads, kv_heads, hidden) for _ in range(layers))
        self.norm = RMSNorm(d)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


def train_step(model, opt, x, target):
    """One optimizer step on a regression loss (the stack has no LM head)."""
    opt.zero_grad(set_to_none=True)
    loss = F.mse_loss(model(x).float(), target)
    loss.backward()
    opt.step()
    return loss
