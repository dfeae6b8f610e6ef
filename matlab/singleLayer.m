function [Z,JKt,Jbt,JYt,JK,Jb,JY] = singleLayer(K,b,Y,act)
% [Z,JKt,Jbt,JYt,JK,Jb,JY] = singleLayer(K,b,Y,act)
%
% Single layer of the lecture, Z = sigma(Y*K + b), and functions for the
% mat-vecs with its Jacobians (slide "Computing Jacobians") and their
% transposes (slide "Class Problems: Derivatives of Single Layer"):
%
%   J_vec(K) v = vec(sigma'(YK+b) .* (Y*mat(v)))
%   J_vec(K)'u = vec(Y' * (sigma'(YK+b) .* mat(u)))
%   J_b v      = sigma'(YK+b) * v                        (v scalar)
%   J_b' u     = sum of all entries of sigma'(YK+b) .* mat(u)
%   J_vec(Y) v = vec(sigma'(YK+b) .* (mat(v)*K))
%   J_vec(Y)'u = vec((sigma'(YK+b) .* mat(u)) * K')
%
% The Jacobians are never formed. Every function accepts its argument
% shaped like the variable or as its vec (= X(:), column-major) and
% returns a shaped result.
%
% Inputs:
%   K   - weights, nf x m
%   b   - bias, scalar (added to every entry)
%   Y   - examples in rows, n x nf
%   act - activation, function handle [A,dA] = act(X) (default: @tanhActivation)
%
% Outputs:
%   Z   - sigma(Y*K+b), n x m
%   JKt - @(U) J_K'*U, U n x m (or n*m vector)   -> nf x m
%   Jbt - @(U) J_b'*U, U n x m (or n*m vector)   -> scalar
%   JYt - @(U) J_Y'*U, U n x m (or n*m vector)   -> n x nf
%   JK  - @(V) J_K*V,  V nf x m (or nf*m vector) -> n x m
%   Jb  - @(v) J_b*v,  v scalar                  -> n x m
%   JY  - @(V) J_Y*V,  V n x nf (or n*nf vector) -> n x m
%
% Called with no arguments, runs a minimal example (Taylor and adjoint tests).

if nargin==0, runMinimalExample; return; end
if nargin<4 || isempty(act), act = @tanhActivation; end

[n,nf] = size(Y); m = size(K,2);

[Z,dA] = act(Y*K + b);
JK  = @(V) dA .* (Y*reshape(V,nf,m));
JKt = @(U) Y' * (dA .* reshape(U,n,m));
Jb  = @(v) dA * v;
Jbt = @(U) sum(sum(dA .* reshape(U,n,m)));
JY  = @(V) dA .* (reshape(V,n,nf)*K);
JYt = @(U) (dA .* reshape(U,n,m)) * K';
end

function runMinimalExample
n = 20; nf = 6; m = 5;
K = randn(nf,m); b = 0.1; Y = randn(n,nf);
[Z,JKt,Jbt,JYt,JK,Jb,JY] = singleLayer(K,b,Y);
fprintf('Z = singleLayer(K,b,Y) is %d x %d\n', size(Z));

disp('Taylor test of J_K (Z as a function of K):');
passedK = checkDerivative(@(Kt) layerOfK(Kt,b,Y), K);

U = randn(n,m);
[passK,errK] = adjointTest(JK, JKt, randn(nf,m), U);
[passb,errb] = adjointTest(Jb, Jbt, randn, U);
[passY,errY] = adjointTest(JY, JYt, randn(n,nf), U);
fprintf('adjoint tests u''*(J*v) = v''*(J''*u): J_K %1.1e (%d), J_b %1.1e (%d), J_Y %1.1e (%d)\n', ...
    errK, passK, errb, passb, errY, passY);
fprintf('all passed: %d\n', passedK && passK && passb && passY);
end

function [Z,JK] = layerOfK(K,b,Y)
% Z and J_K as functions of K (for checkDerivative)
[Z,~,~,~,JK] = singleLayer(K,b,Y);
end
