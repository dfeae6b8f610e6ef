function [Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m,act)
% [Ec,dE,H] = singleLayerNNObjFun(x,Y,C,m,act)
%
% Cross entropy of the single-layer network of the lecture, its gradient
% and its Gauss-Newton Hessian (slides "Putting Things Together" and
% "Gauss-Newton Method"). With x = [K(:); b; W(:)]:
%
%   E(K,b,W) = E(Z*W, C),   Z = sigma(Y*K + b)
%
%   1. grad_Z E = grad_S E(S) * W',   S = Z*W
%   2. grad_K E = J_K' * grad_Z E
%   3. grad_b E = J_b' * grad_Z E
%   4. grad_W E = Z' * grad_S E(S)    (the slide prints Y'; it is Z', as S = Z*W)
%
%   Gauss-Newton:  H = J' * d2ES * J,   J*v = (J_K*vK + J_b*vb)*W + Z*vW
%
% where J is the Jacobian of S w.r.t. x and v = [vK(:); vb; vW(:)].
% H is symmetric positive semi-definite.
%
% The course's singleLayerNNObjFun returns a block-diagonal approximation
% of this Hessian (it drops the coupling between (K,b) and W) plus a shift
% 1e-5*v; ours is the full Gauss-Newton Hessian over all unknowns, no shift.
%
% Inputs:
%   x   - unknowns [K(:); b; W(:)], vector of length nf*m + 1 + m*nc
%   Y   - examples in rows, n x nf
%   C   - class probabilities, n x nc (rows sum to 1)
%   m   - width of the layer (number of columns of K)
%   act - activation, function handle (default: @tanhActivation)
%
% Outputs:
%   Ec - cross entropy, scalar
%   dE - gradient [grad_K E(:); grad_b E; grad_W E(:)], column of length numel(x)
%   H  - @(v) Gauss-Newton Hessian times v, v of length numel(x) -> column
%
% Called with no arguments, runs a minimal example (Taylor test).

if nargin==0, runMinimalExample; return; end
if nargin<5 || isempty(act), act = @tanhActivation; end

nf = size(Y,2); nc = size(C,2);
nx = nf*m + 1 + m*nc;
if numel(x) ~= nx
    error('singleLayerNNObjFun:size', ...
        'x has length %d, expected nf*m + 1 + m*nc = %d*%d + 1 + %d*%d = %d', ...
        numel(x), nf, m, m, nc, nx);
end
K = reshape(x(1:nf*m),nf,m);
b = x(nf*m+1);
W = reshape(x(nf*m+2:end),m,nc);

[Z,JKt,Jbt,~,JK,Jb] = singleLayer(K,b,Y,act);
S = Z*W;
[Ec,dES,d2ES] = crossEntropy(S,C);

dEZ = dES*W';                   % 1. grad_Z E = grad_S E * W'
dEK = JKt(dEZ);                 % 2. grad_K E = J_K' * grad_Z E
dEb = Jbt(dEZ);                 % 3. grad_b E = J_b' * grad_Z E
dEW = Z'*dES;                   % 4. grad_W E = Z' * grad_S E
dE  = [dEK(:); dEb; dEW(:)];

% Gauss-Newton Hessian H = J'*d2ES*J, J the Jacobian of S = Z*W w.r.t. x
Jv  = @(v) (JK(v(1:nf*m)) + Jb(v(nf*m+1)))*W + Z*reshape(v(nf*m+2:end),m,nc);
Jt  = @(U) [reshape(JKt(U*W'),[],1); Jbt(U*W'); reshape(Z'*U,[],1)];
H   = @(v) Jt(d2ES(Jv(v)));
end

function runMinimalExample
n = 20; nf = 6; m = 5; nc = 3;
Y = randn(n,nf);
C = full(sparse((1:n)', randi(nc,n,1), 1, n, nc));   % one-hot labels
x = randn(nf*m + 1 + m*nc, 1);
fprintf('Ec = singleLayerNNObjFun(x,Y,C,m) = %1.6f for %d unknowns\n', ...
    singleLayerNNObjFun(x,Y,C,m), numel(x));
disp('Taylor test (E2 uses the Gauss-Newton H, so its order is 2, not 3):');
passed = checkDerivative(@(x) singleLayerNNObjFun(x,Y,C,m), x);
fprintf('passed: %d\n', passed);
end
