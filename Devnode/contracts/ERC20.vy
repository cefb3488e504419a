#pragma version ~=0.4.3
# ERC-20 test token (staking and payment tokens) with an open test mint. OpenZeppelin 5 error semantics.

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    amount: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    amount: uint256

name: public(String[64])
symbol: public(String[32])
decimals: public(uint8)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


@deploy
def __init__(_name: String[64], _symbol: String[32]):
    self.name = _name
    self.symbol = _symbol
    self.decimals = 18


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    if sender == empty(address):
        raw_revert(abi_encode(sender, method_id=method_id("ERC20InvalidSender(address)")))
    if receiver == empty(address):
        raw_revert(abi_encode(receiver, method_id=method_id("ERC20InvalidReceiver(address)")))
    balance: uint256 = self.balanceOf[sender]
    if balance < amount:
        raw_revert(abi_encode(sender, balance, amount, method_id=method_id("ERC20InsufficientBalance(address,uint256,uint256)")))
    self.balanceOf[sender] = balance - amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, amount=amount)


@external
def transfer(to: address, amount: uint256) -> bool:
    self._transfer(msg.sender, to, amount)
    return True


@external
def transferFrom(sender: address, to: address, amount: uint256) -> bool:
    current: uint256 = self.allowance[sender][msg.sender]
    if current != max_value(uint256):
        if current < amount:
            raw_revert(abi_encode(msg.sender, current, amount, method_id=method_id("ERC20InsufficientAllowance(address,uint256,uint256)")))
        self.allowance[sender][msg.sender] = current - amount
    self._transfer(sender, to, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, amount=amount)
    return True


@external
def mint(to: address, amount: uint256):
    # Test mint: anyone may mint to anyone (development chain only).
    if to == empty(address):
        raw_revert(abi_encode(to, method_id=method_id("ERC20InvalidReceiver(address)")))
    self.totalSupply += amount
    self.balanceOf[to] += amount
    log Transfer(sender=empty(address), receiver=to, amount=amount)
