import sys, torch
sys.path.insert(0, "out")                      # the folder that holds the exported package out/pt
from pt import convert_linears
model = torch.nn.Sequential(torch.nn.Linear(2048, 5632), torch.nn.SiLU(), torch.nn.Linear(5632, 2048)).cuda().bfloat16()
print(convert_linears(model))                  # ['0', '2']: both linears are STLLinear now
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
x = torch.randn(8192, 2048, device="cuda", dtype=torch.bfloat16)
for step in range(20):
    loss = (model(x).float() - x.float()).pow(2).mean()
    opt.zero_grad(); loss.backward(); opt.step()
    print(step, round(loss.item(), 4))
