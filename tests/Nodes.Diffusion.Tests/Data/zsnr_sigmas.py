#!/usr/bin/python3
"""ComfyUI's ModelSamplingDiscrete sigmas with zsnr (comfy/model_sampling.py: make_beta_schedule("linear"), then
rescale_zero_terminal_snr_sigmas in float64, stored as float32), printed as JSON: sigmas and log_sigmas.

Run by the tests: /usr/bin/python3 zsnr_sigmas.py LINEAR_START LINEAR_END TIMESTEPS
"""
import json
import sys

import torch

linear_start, linear_end, timesteps = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])


def rescale_zero_terminal_snr_sigmas(sigmas):
    alphas_cumprod = 1 / ((sigmas * sigmas) + 1)
    alphas_bar_sqrt = alphas_cumprod.sqrt()
    alphas_bar_sqrt_0 = alphas_bar_sqrt[0].clone()
    alphas_bar_sqrt_T = alphas_bar_sqrt[-1].clone()
    alphas_bar_sqrt -= (alphas_bar_sqrt_T)
    alphas_bar_sqrt *= alphas_bar_sqrt_0 / (alphas_bar_sqrt_0 - alphas_bar_sqrt_T)
    alphas_bar = alphas_bar_sqrt**2
    alphas_bar[-1] = 4.8973451890853435e-08
    return ((1 - alphas_bar) / alphas_bar) ** 0.5


betas = torch.linspace(linear_start ** 0.5, linear_end ** 0.5, timesteps, dtype=torch.float64) ** 2
alphas_cumprod = torch.cumprod(1. - betas, dim=0)
sigmas = rescale_zero_terminal_snr_sigmas(((1 - alphas_cumprod) / alphas_cumprod) ** 0.5)
print(json.dumps({"sigmas": sigmas.float().tolist(), "log_sigmas": sigmas.log().float().tolist()}))
