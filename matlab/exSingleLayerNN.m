function exSingleLayerNN
% exSingleLayerNN
%
% The lecture's experiments with the single-layer network
% Z = sigma(Y*K + b), S = Z*W, E(S,C) (cross entropy):
%
%   1. derivative checks (Taylor test) and adjoint tests of singleLayer,
%      and what the checkers say about a wrong derivative or transpose;
%   2. derivative check of the objective singleLayerNNObjFun;
%   3. the inverse crime of slide "Test Problem" (n=500, nf=50, nc=10,
%      m=40, btrue=0.1), and the non-convexity of the cross entropy along
%      two random directions dK and dW (slide "Non-Convexity");
%   4. the inverse crime reconstructed by Gauss-Newton-CG (newtonCG) from a
%      random start, printing E - Emin, Emin = -(1/n)*sum(Cobs(:).*log(Cobs(:)))
%      (the entropy of Cobs: no weights can do better).
%
% Plots are drawn only when a graphics toolkit is available, so this runs
% headless in a minimal Octave (octave-cli). A function rather than a
% script so that it runs unchanged in MATLAB and Octave with its local
% functions; set a breakpoint at its end to inspect the variables.
%
% Inputs:  none
% Outputs: none (prints)

rng(42);

%% 1. Derivative checks of the single layer: Taylor tests of J_K, J_b, J_Y
n = 20; nf = 6; m = 5;
K = randn(nf,m); b = 0.1; Y = randn(n,nf);
[Z,JKt,Jbt,JYt,JK,Jb,JY] = singleLayer(K,b,Y);

disp('Taylor test of J_K (Z as a function of K):');
okK = checkDerivative(@(K) layerOfK(K,b,Y), K);
disp('Taylor test of J_b:');
okb = checkDerivative(@(b) layerOfb(K,b,Y), b);
disp('Taylor test of J_Y:');
okY = checkDerivative(@(Y) layerOfY(K,b,Y), Y);

disp('Adjoint tests u''*(J*v) = v''*(J''*u):');
U = randn(size(Z));
[adjK,errK] = adjointTest(JK, JKt, randn(nf,m), U);
[adjb,errb] = adjointTest(Jb, Jbt, randn, U);
[adjY,errY] = adjointTest(JY, JYt, randn(n,nf), U);
fprintf('  J_K: relative error %1.1e  passed %d\n', errK, adjK);
fprintf('  J_b: relative error %1.1e  passed %d\n', errb, adjb);
fprintf('  J_Y: relative error %1.1e  passed %d\n', errY, adjY);

% the checkers must fail on wrong derivatives
[adjWrong,errWrong] = adjointTest(JK, @(U) JKt(U) + 1e-3*K, randn(nf,m), U);
fprintf('  wrong J_K'' (J_K''*u + 1e-3*K): relative error %1.1e  passed %d (must be 0)\n', ...
    errWrong, adjWrong);

%% 2. Derivative check of the objective (gradient, and the Gauss-Newton H)
nc = 3;
C  = full(sparse((1:n)', randi(nc,n,1), 1, n, nc));   % one-hot labels
x  = randn(nf*m + 1 + m*nc, 1);
disp('Taylor test of the objective''s gradient; E2 uses the Gauss-Newton H, so its order is 2, not 3:');
okE = checkDerivative(@(x) singleLayerNNObjFun(x,Y,C,m), x);
disp('Taylor test of a gradient 1% off (must fail):');
okWrong = checkDerivative(@(x) wrongGradient(x,Y,C,m), x);

[~,~,H] = singleLayerNNObjFun(x,Y,C,m);
[adjH,errH] = adjointTest(H, H, randn(size(x)), randn(size(x)));
fprintf('Gauss-Newton H is symmetric: relative error %1.1e  passed %d\n', errH, adjH);

%% 3. The inverse crime (slide "Test Problem"): data from a known network
n = 500; nf = 50; nc = 10; m = 40;
Wtrue = randn(m,nc);
Ktrue = randn(nf,m);
btrue = .1;

Y = randn(n,nf);
Cobs = exp(singleLayer(Ktrue,btrue,Y)*Wtrue);
Cobs = Cobs./sum(Cobs,2);
Emin = -sum(Cobs(:).*log(Cobs(:)))/n;

% non-convexity: E along two random directions dK and dW around the truth
xtrue = [Ktrue(:); btrue; Wtrue(:)];
dK = [randn(nf*m,1); zeros(1+m*nc,1)];
dW = [zeros(nf*m+1,1); randn(m*nc,1)];
t  = linspace(-2,2,41);
[T1,T2] = meshgrid(t,t);
landscape = zeros(size(T1));
for i=1:numel(T1)
    landscape(i) = singleLayerNNObjFun(xtrue + T1(i)*dK + T2(i)*dW, Y, Cobs, m);
end
fprintf('\ncross entropy on a %d x %d grid around the true weights: min %1.4f (Emin = %1.4f), max %1.3f\n', ...
    numel(t), numel(t), min(landscape(:)), Emin, max(landscape(:)));
if canPlot
    figure(1); clf;
    subplot(1,2,1);
    contour(T1,T2,landscape,30); colorbar;
    xlabel('step s along dK'); ylabel('step t along dW');
    title('E(Ktrue + s dK, btrue, Wtrue + t dW)');
    subplot(1,2,2);
    surf(T1,T2,landscape); shading interp;
    xlabel('s (dK)'); ylabel('t (dW)'); title('non-convex');
    drawnow;
else
    disp('(no graphics toolkit: non-convexity plot skipped)');
end

%% 4. Reconstruct it by Gauss-Newton-CG from a random start
x0 = 0.1*randn(nf*m + 1 + m*nc, 1);
param = struct('maxIter',50);
[xN,his] = newtonCG(@(x) singleLayerNNObjFun(x,Y,Cobs,m), x0, param);
fprintf('\nafter %d iterations: E - Emin = %1.3e (start %1.3e)\n', ...
    size(his,1)-1, his(end,1) - Emin, his(1,1) - Emin);

K = reshape(xN(1:nf*m),nf,m); b = xN(nf*m+1); W = reshape(xN(nf*m+2:end),m,nc);
Cpred = exp(singleLayer(K,b,Y)*W);
Cpred = Cpred./sum(Cpred,2);
[~,iPred] = max(Cpred,[],2); [~,iObs] = max(Cobs,[],2);
fprintf('relative error of Cobs: norm(Cpred - Cobs)/norm(Cobs) = %1.3e\n', ...
    norm(Cpred-Cobs,'fro')/norm(Cobs,'fro'));
fprintf('same most likely class for %1.1f%% of the examples\n', 100*mean(iPred==iObs));
if canPlot
    figure(2); clf;
    semilogy(0:size(his,1)-1, his(:,1)-Emin, 'o-', 0:size(his,1)-1, his(:,2), 's-');
    xlabel('Newton-CG iteration'); legend('E - Emin','norm(grad)');
    title('Inverse crime: convergence');
    drawnow;
end

fprintf('\nall derivative checks passed: %d; checkers failed on the wrong derivatives: %d\n', ...
    okK && okb && okY && adjK && adjb && adjY && okE && adjH, ~adjWrong && ~okWrong);
end

function [Z,JK] = layerOfK(K,b,Y)
% Z and J_K*v as functions of K
[Z,~,~,~,JK] = singleLayer(K,b,Y);
end

function [Z,Jb] = layerOfb(K,b,Y)
% Z and J_b*v as functions of b
[Z,~,~,~,~,Jb] = singleLayer(K,b,Y);
end

function [Z,JY] = layerOfY(K,b,Y)
% Z and J_Y*v as functions of Y
[Z,~,~,~,~,~,JY] = singleLayer(K,b,Y);
end

function [Ec,dE] = wrongGradient(x,Y,C,m)
% the objective with a gradient 1% too large
[Ec,dE] = singleLayerNNObjFun(x,Y,C,m);
dE = 1.01*dE;
end

function ok = canPlot
% true when figures can be drawn (never in a minimal, headless Octave)
if exist('OCTAVE_VERSION','builtin')
    ok = ~isempty(available_graphics_toolkits()) && ...
         (ispc || ismac || ~isempty(getenv('DISPLAY')));
else
    ok = usejava('jvm');
end
end
